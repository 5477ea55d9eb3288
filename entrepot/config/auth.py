"""What the page header needs to know about the signed-in user, without a query a page.

The header shows "My orders" to buyers and "Seller central" to sellers. Which profiles
an account has is read once, when it logs in, and kept in its session (which every
request loads anyway); a session from before this existed falls back to one query.
Measured: joining the profiles to the user's own query on every request
(select_related) cost more to compile than the queries it saved.
"""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.signals import user_logged_in
from django.dispatch import receiver

SESSION_KEY = "entrepot_roles"


def roles_of(user) -> dict[str, bool]:
    row = (
        get_user_model().objects.filter(pk=user.pk).values("buyer__id", "seller__id").first()
        or {}
    )
    return {"buyer": bool(row.get("buyer__id")), "seller": bool(row.get("seller__id"))}


@receiver(user_logged_in, dispatch_uid="entrepot-roles-in-session")
def _remember_roles(sender, request, user, **kwargs) -> None:
    if request is not None and hasattr(request, "session"):
        request.session[SESSION_KEY] = roles_of(user)


def session_roles(request) -> dict[str, bool]:
    """The signed-in user's roles: from the session, else from the database."""
    roles = request.session.get(SESSION_KEY) if hasattr(request, "session") else None
    return roles if isinstance(roles, dict) else roles_of(request.user)
