from datetime import date
from decimal import Decimal

from django.db import migrations

# in force before any order the marketplace could have taken
DEFAULT_FROM = date(2020, 1, 1)


def add_default_rate(apps, schema_editor):
    CommissionRate = apps.get_model("ledger", "CommissionRate")
    CommissionRate.objects.get_or_create(
        category=None, effective_from=DEFAULT_FROM, defaults={"rate": Decimal("0.0800")}
    )


def remove_default_rate(apps, schema_editor):
    CommissionRate = apps.get_model("ledger", "CommissionRate")
    CommissionRate.objects.filter(category=None, effective_from=DEFAULT_FROM).delete()


class Migration(migrations.Migration):
    dependencies = [("ledger", "0001_initial")]

    operations = [migrations.RunPython(add_default_rate, remove_default_rate)]
