"""Django's makemessages, also reading `_lazy(...)` (our alias of gettext_lazy) as a
translatable string: without it, labels written `_lazy("Consignee")` were never
extracted and reached Chinese buyers in English."""

from django.core.management.commands import makemessages


class Command(makemessages.Command):
    xgettext_options = [*makemessages.Command.xgettext_options, "--keyword=_lazy"]
