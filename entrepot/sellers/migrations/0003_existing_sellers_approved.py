from django.db import migrations


def approve_existing(apps, schema_editor):
    # sellers that were trading before verification existed keep trading
    apps.get_model("sellers", "Seller").objects.update(verification_status="approved")


class Migration(migrations.Migration):
    dependencies = [("sellers", "0002_seller_annual_revenue_seller_contact_email_and_more")]

    operations = [migrations.RunPython(approve_existing, migrations.RunPython.noop)]
