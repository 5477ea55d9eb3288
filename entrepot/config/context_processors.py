"""Template context shared by every page."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def account_roles(request) -> dict:
    """Whether the logged-in user has a buyer or a seller profile: one query, and only on
    pages that ask (the header does), instead of one query per reverse relation."""

    def roles() -> dict:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"buyer": False, "seller": False}
        from django.contrib.auth import get_user_model

        from entrepot.config.auth import profiles_loaded

        if profiles_loaded(user):
            return {"buyer": hasattr(user, "buyer"), "seller": hasattr(user, "seller")}
        row = (
            get_user_model().objects.filter(pk=user.pk).values("buyer__id", "seller__id").first()
            or {}
        )
        return {"buyer": bool(row.get("buyer__id")), "seller": bool(row.get("seller__id"))}

    return {"roles": SimpleLazyObject(roles)}
