"""Single sign-on pages: the login page with the organisations' buttons, the start of a
sign-in, the providers' answers (OpenID Connect callback, SAML ACS), our SAML metadata,
the no-access page and the logout that ends the provider's session too."""

from __future__ import annotations

from axes.handlers.proxy import AxesProxyHandler
from axes.helpers import get_client_ip_address, get_lockout_response
from django.contrib.auth import login, logout
from django.contrib.auth import views as auth_views
from django.contrib.auth.signals import user_login_failed
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.cache import add_never_cache_headers
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.csrf import csrf_exempt

from councils import backends, dates, two_factor
from councils import services as councils_services
from councils.http import only
from sso import oidc, saml, selectors, services
from sso.forms import FindProviderForm, LoginForm
from sso.models import Identity, Provider, SignIn, SignInPolicy

#: session key: the provider the user signed in through, for its logout
SIGNED_IN = "sso_signed_in"
#: session key: the provider whose rules gave no role (the no-access page)
NO_ACCESS = "sso_no_access"


class LoginView(auth_views.LoginView):
    authentication_form = LoginForm
    redirect_authenticated_user = True

    def get_context_data(self, **kwargs):
        context = super().get_context_data(**kwargs)
        context["providers"] = selectors.providers()
        context.setdefault("find_form", FindProviderForm())
        return context


def _credentials(provider: Provider) -> dict[str, str]:
    return {"username": f"sso:{provider.pk}"}


def _next(request: HttpRequest) -> str:
    target = request.POST.get("next") or request.GET.get("next") or ""
    if url_has_allowed_host_and_scheme(target, {request.get_host()}, request.is_secure()):
        return target
    return reverse("home")


def _locked_out(request: HttpRequest, provider: Provider) -> HttpResponse | None:
    """Throttling: too many refusals through ``provider`` from here, and neither a new
    sign-in starts nor an answer to one started before is taken."""
    if AxesProxyHandler.is_locked(request, _credentials(provider)):
        return get_lockout_response(request, credentials=_credentials(provider))
    return None


def _begin(request: HttpRequest, provider: Provider) -> HttpResponse:
    if locked := _locked_out(request, provider):
        return locked
    try:
        if provider.protocol == Provider.Protocol.OIDC:
            url = oidc.start(request, provider, _callback_url(request), _next(request))
        else:
            url = saml.start(request, provider, _next(request))
    except (oidc.Refused, saml.Refused) as refused:
        return _refuse(request, provider, refused.reason, subject="")
    return redirect(url)


def start(request: HttpRequest, pk: int) -> HttpResponse:
    """A link, not a form: the login page's Content-Security-Policy (form-action 'self')
    would stop a form's redirect to the provider. Starting a sign-in changes nothing; the
    state in the session ties the answer to this browser."""
    if not_allowed := only(request, "GET"):
        return not_allowed
    return _begin(request, selectors.provider(pk))


def find(request: HttpRequest) -> HttpResponse:
    """The e-mail address typed on the login page finds the organisation's provider: the
    login page again, with that provider's link first."""
    if not_allowed := only(request, "POST"):
        return not_allowed
    form = FindProviderForm(request.POST)
    found = None
    if form.is_valid():
        found = services.provider_for_email(form.cleaned_data["email"])
        if found is None:
            form.add_error("email", services.NO_PROVIDER)
    view = LoginView.as_view(extra_context={"find_form": form, "found": found})
    request.method = "GET"
    response = view(request)
    response.status_code = 200 if found else 400
    return response


def _callback_url(request: HttpRequest) -> str:
    return request.build_absolute_uri(reverse("sso-oidc-callback"))


def _record(request, provider, outcome, *, user=None, subject="", reason=""):
    SignIn.objects.create(
        user=user,
        provider=provider,
        subject=subject[:500],
        outcome=outcome,
        reason=reason[:300],
        ip_address=get_client_ip_address(request),
        at=dates.now(),
    )


def _refuse(request, provider, reason: str, *, subject: str) -> HttpResponse:
    user_login_failed.send(sender=__name__, credentials=_credentials(provider), request=request)
    _record(request, provider, SignIn.Outcome.REFUSED, subject=subject, reason=reason)
    if getattr(request, "axes_locked_out", False):
        return get_lockout_response(request, credentials=_credentials(provider))
    return render(request, "sso/refused.html", {"provider": provider}, status=403)


def _complete(request, provider: Provider, profile: services.Profile, logout_data: dict):
    next_url = logout_data.pop("next", None) or reverse("home")
    user, has_access = services.sign_in(provider, profile)
    if not has_access:
        _record(request, provider, SignIn.Outcome.NO_ACCESS, user=user, subject=profile.subject)
        request.session[NO_ACCESS] = provider.pk
        return redirect("sso-no-access")
    login(request, user, backend=backends.PATH)
    if profile.mfa:  # the provider's two factors settle what the login owes
        request.session.pop(two_factor.PENDING, None)
    request.session[SIGNED_IN] = {"provider": provider.pk, **logout_data}
    _record(request, provider, SignIn.Outcome.SIGNED_IN, user=user, subject=profile.subject)
    if not url_has_allowed_host_and_scheme(next_url, {request.get_host()}, request.is_secure()):
        next_url = reverse("home")
    return redirect(next_url)


def oidc_callback(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "GET"):
        return not_allowed
    provider_id = oidc.pending_provider_id(request)
    try:
        provider = selectors.provider(provider_id, Provider.Protocol.OIDC)
    except Http404:
        return render(request, "sso/refused.html", {"provider": None}, status=400)
    if locked := _locked_out(request, provider):
        return locked
    next_url = request.session.get(oidc.PENDING, {}).get("next")
    try:
        profile, token = oidc.finish(request, provider, _callback_url(request))
    except oidc.Refused as refused:
        return _refuse(request, provider, refused.reason, subject="")
    return _complete(
        request, provider, profile, {"id_token": token.get("id_token", ""), "next": next_url}
    )


def _saml_provider(pk: int) -> Provider:
    return selectors.provider(pk, Provider.Protocol.SAML)


@csrf_exempt  # the IdP posts the response from its own page; the response is signed
def saml_acs(request: HttpRequest, pk: int) -> HttpResponse:
    if not_allowed := only(request, "POST"):
        return not_allowed
    provider = _saml_provider(pk)
    if locked := _locked_out(request, provider):
        return locked
    try:
        profile, logout_data = saml.finish(request, provider)
    except saml.Refused as refused:
        return _refuse(request, provider, refused.reason, subject="")
    return _complete(request, provider, profile, logout_data)


def saml_metadata(request: HttpRequest, pk: int) -> HttpResponse:
    if not_allowed := only(request, "GET"):
        return not_allowed
    provider = _saml_provider(pk)
    try:
        body = saml.metadata(request, provider)
    except saml.Refused as refused:  # our key or certificate file cannot be read
        raise Http404 from refused
    return HttpResponse(body, content_type="application/samlmetadata+xml")


def no_access(request: HttpRequest) -> HttpResponse:
    if not_allowed := only(request, "GET"):
        return not_allowed
    provider = selectors.provider(request.session.get(NO_ACCESS))
    policy = SignInPolicy.objects.filter(organisation=provider.organisation).first()
    return render(
        request,
        "sso/no_access.html",
        {"organisation": provider.organisation, "contact": policy.contact if policy else ""},
        status=403,
    )


class LogoutView(auth_views.LogoutView):
    """Ends our session, then the provider's (RP-initiated logout, SAML single logout).

    The way on to the provider is a page, not a redirect: the logout is a form, and the
    Content-Security-Policy (form-action 'self') stops a browser from following a form's
    redirect to another origin. The page moves on at once (meta refresh) and holds a link
    for a browser that does not."""

    def post(self, request, *args, **kwargs):
        signed_in = request.session.get(SIGNED_IN)
        response = super().post(request, *args, **kwargs)
        if not isinstance(signed_in, dict):
            return response
        try:
            provider = selectors.provider(signed_in.get("provider"))
        except Http404:
            return response
        back = request.build_absolute_uri(reverse("login"))
        if provider.protocol == Provider.Protocol.OIDC:
            url = oidc.logout_url(provider, signed_in.get("id_token", ""), back)
        else:
            url = saml.logout_url(request, provider, signed_in)
        if not url:
            return response
        page = render(request, "sso/leaving.html", {"provider": provider, "url": url})
        add_never_cache_headers(page)
        return page


def _signed_in_through(provider: Provider, ended: saml.LogoutRequest):
    """Which of the person's sessions the IdP's logout ends: those that came through this
    provider as this subject (and, when the IdP names them, these session indexes)."""

    def matching(data: dict) -> bool:
        signed_in = data.get(SIGNED_IN)
        return (
            isinstance(signed_in, dict)
            and signed_in.get("provider") == provider.pk
            and signed_in.get("name_id") == ended.subject
            and (
                not ended.session_indexes or signed_in.get("session_index") in ended.session_indexes
            )
        )

    return matching


def saml_slo(request: HttpRequest, pk: int) -> HttpResponse:
    """Our single logout service (HTTP-Redirect): the IdP's answer to the logout we started
    (a signed LogoutResponse), or a logout the IdP started (a signed LogoutRequest) that
    ends the person's sessions here and answers with our LogoutResponse."""
    if not_allowed := only(request, "GET"):
        return not_allowed
    provider = _saml_provider(pk)
    if "SAMLRequest" in request.GET:
        try:
            ended = saml.logout_request(request, provider)
        except saml.Refused as refused:
            _record(request, provider, SignIn.Outcome.REFUSED, reason=f"logout: {refused.reason}")
            return render(request, "sso/logged_out.html", {"provider": provider}, status=400)
        identity = Identity.objects.filter(issuer=ended.issuer, subject=ended.subject).first()
        if identity is not None:
            matching = _signed_in_through(provider, ended)
            if request.user.is_authenticated and matching(dict(request.session.items())):
                logout(request)
            councils_services.sessions_end(user=identity.user, matching=matching)
        _record(
            request,
            provider,
            SignIn.Outcome.SIGNED_OUT,
            user=identity.user if identity else None,
            subject=ended.subject,
        )
        return redirect(ended.answer_url)
    try:
        saml.logged_out(request, provider)
    except saml.Refused as refused:
        _record(request, provider, SignIn.Outcome.REFUSED, reason=f"logout: {refused.reason}")
        return render(request, "sso/logged_out.html", {"provider": provider}, status=400)
    return render(request, "sso/logged_out.html", {"provider": provider, "confirmed": True})
