"""Log in with a mobile number or an e-mail address, for buyers, sellers and operators."""

from __future__ import annotations

from django.contrib.auth import get_user_model
from django.contrib.auth.backends import ModelBackend
from django.views.decorators.debug import sensitive_variables

from entrepot.buyers.selectors import user_for_login


class PhoneOrEmailBackend(ModelBackend):
    """Django's ModelBackend (permissions included), finding the account by a buyer's
    mainland mobile number in any spelling (+86, spaces), by an e-mail address in any
    case, or by the username as before.

    An unknown login costs one password hash like a wrong password does, so the answer
    time does not tell whether an account exists.
    """

    @sensitive_variables("password")
    def authenticate(self, request, username=None, password=None, **kwargs):
        if username is None:
            username = kwargs.get(get_user_model().USERNAME_FIELD)
        if username is None or password is None:
            return None
        user = user_for_login(username)
        if user is None:
            get_user_model()().set_password(password)
            return None
        if user.check_password(password) and self.user_can_authenticate(user):
            return user
        return None
