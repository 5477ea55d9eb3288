"""Loading the signed-in user once per request, with the profiles every page asks for."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend

# what the header (buyer or seller?), the checkout (the buyer, its real-name identity)
# and seller central read on nearly every request: joined to the user's own query
PROFILES = ("buyer__identity", "seller")


class UserWithProfilesBackend(ModelBackend):
    """ModelBackend whose `get_user` (run by AuthenticationMiddleware on each request)
    joins the buyer, its identity and the seller profile: one query instead of up to
    four. An account without a profile has it cached as missing, so asking costs
    nothing either."""

    def get_user(self, user_id):
        user = get_user_model()._default_manager.select_related(*PROFILES).filter(pk=user_id)
        user = user.first()
        return user if user is not None and self.user_can_authenticate(user) else None


def profiles_loaded(user) -> bool:
    """Whether `user` came with its profiles (from UserWithProfilesBackend)."""
    model = get_user_model()
    user = getattr(user, "_wrapped", user)  # request.user is a SimpleLazyObject
    if not isinstance(user, model):
        return False
    return all(getattr(model, name).related.is_cached(user) for name in ("buyer", "seller"))
