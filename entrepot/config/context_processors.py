"""Template context shared by every page."""

from __future__ import annotations

from django.utils.functional import SimpleLazyObject


def account_roles(request) -> dict:
    """Whether the logged-in user has a buyer or a seller profile, for the header: kept
    in the session at login (entrepot.config.auth), and only on pages that ask."""

    def roles() -> dict:
        user = getattr(request, "user", None)
        if user is None or not user.is_authenticated:
            return {"buyer": False, "seller": False}
        from entrepot.config.auth import session_roles

        return session_roles(request)

    return {"roles": SimpleLazyObject(roles)}
