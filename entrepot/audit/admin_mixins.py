"""Audit for rules operators edit in the Django admin (commission rates, FX rates, lines
of the positive list): saves and deletes are recorded in the admin's own transaction."""

from __future__ import annotations

from entrepot.audit.services import audit_record, audit_records, target_of


def _changed(obj, fields) -> dict:
    return {name: getattr(obj, name, None) for name in fields}


class AuditedAdminMixin:
    def save_model(self, request, obj, form, change) -> None:
        super().save_model(request, obj, form, change)
        kind, _ident = target_of(obj)
        audit_record(
            action=f"{kind}.{'change' if change else 'add'}",
            target=obj,
            details=_changed(obj, form.changed_data if change else form.fields),
        )

    def delete_model(self, request, obj) -> None:
        kind, ident = target_of(obj)
        details = {"was": str(obj)}
        super().delete_model(request, obj)
        audit_record(action=f"{kind}.delete", target=(kind, ident), details=details)

    def delete_queryset(self, request, queryset) -> None:
        gone = [(target_of(obj), {"was": str(obj)}) for obj in queryset]
        super().delete_queryset(request, queryset)
        if gone:
            action = f"{gone[0][0][0]}.delete"
            audit_records(action=action, items=gone)
