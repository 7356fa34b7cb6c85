"""The private links messages carry: made when the message is sent, so the token lives in the e-mail
alone (only its hash is stored, by the feature that owns the link)."""

from ..extensions import db
from ..models import Client, Message, User, Visit
from ..web.public_url import public_url
from .render import link_maker


@link_maker("intake_link", "intake_reminder")
def questionnaire_link(message: Message) -> str:
    from ..intake import links

    client = db.session.get(Client, message.client_id)
    issuer = db.session.get(User, message.requested_by_id) if message.requested_by_id else None
    if issuer is None:
        raise LookupError("no staff member to issue the questionnaire link in the name of")
    _, token, _ = links.create_link(client, issuer)  # a new link replaces the client's open one
    return public_url("selfintake.form", token=token)


@link_maker("aftercare")
def aftercare_link(message: Message) -> str:
    from ..aftercare import links

    _, token = links.create_link(db.session.get(Visit, message.visit_id))
    return public_url("aftercare_public.sheet", token=token)


@link_maker("check_in")
def check_in_link(message: Message) -> str:
    from ..checkin import links

    return public_url("checkin_public.form", token=links.issue(db.session.get(Visit, message.visit_id)))


@link_maker("booking_request")
def booking_link(message: Message) -> str:
    from ..booking import requests
    from ..models import BookingRequest

    request = db.session.get(BookingRequest, message.context["request_id"])
    return public_url("booking_public.confirm", token=requests.issue_link(request))


@link_maker("portal_link")
def portal_link(message: Message) -> str:
    from ..portal import links

    return public_url("portal.open_link", token=links.issue(db.session.get(Client, message.client_id)))
