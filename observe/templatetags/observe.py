"""Template helpers for the observers' site: translated strings for the scripts and status labels.

Times are written by the mission_clock filters (mission_time_zone), like every other page of the product.
"""

from django import template
from django.utils.translation import get_language, ngettext, pgettext
from django.utils.translation import gettext as _

from checklists.choices import FormKind
from checklists.rules import flag_messages as rules_flag_messages

register = template.Library()

FORM_KIND_LABELS = dict(FormKind.choices)

# A count that falls into each plural category (CLDR) in English and Russian, to pick the catalogue's plural form.
PLURAL_SAMPLES = {"one": 1, "few": 2, "many": 5, "other": 5}


def _waiting(count: int) -> str:
    return ngettext("%(n)s form waiting to send", "%(n)s forms waiting to send", count)


def _attention(count: int) -> str:
    return ngettext("%(n)s form needs attention", "%(n)s forms need attention", count)


def _plural(message) -> dict[str, str]:
    """One plural form per CLDR category; the browser picks one with Intl.PluralRules."""
    return {category: message(count) for category, count in PLURAL_SAMPLES.items()}


@register.simple_tag
def observe_messages() -> dict:
    """The interface strings the browser scripts show, in the page's language ("%(n)s" is the count)."""
    return {
        "language": get_language() or "en",
        "waiting": _plural(_waiting),
        "attention": _plural(_attention),
        "send_now": _("Send now"),
        "discard": _("Discard"),
        "discard_confirm": _("Discard this form from this device? It has not been accepted by the server."),
        "sending": _("Sending…"),
        "sent": _("Form received by the mission."),
        "queued": _("No network: the form is kept on this device and will be sent when the network returns."),
        "all_sent": _("All forms sent."),
        "required": _("This answer is required."),
        "integer": _("Enter a whole number."),
        "min": _("Enter a number of at least %(n)s."),
        "max": _("Enter a number of at most %(n)s."),
        "time": _("Enter a time as HH:MM."),
        "date": _("Enter a date as YYYY-MM-DD."),
        "week": _("Enter a week as YYYY-Www, or the date of its Monday as YYYY-MM-DD."),
        "fix_errors": _("Please correct the marked answers."),
        "conflict": _("This form was already sent with different content. Start a new form to send it again."),
        "forbidden": _("You cannot submit this form."),
        "login_again": _("Your session has ended; log in again to send this form."),
        "server_error": _("The server could not take the form now; it will be retried."),
        "protocol_ok": _("The protocol figures add up."),
        "protocol_received": _("Ballots received (%(received)s) do not equal issued + unused + spoiled (%(sum)s)."),
        "protocol_found": _("Ballots found (%(found)s) do not equal valid + invalid (%(sum)s)."),
        "protocol_valid": _("Valid ballots (%(valid)s) do not equal the sum of candidates' votes (%(sum)s)."),
        "protocol_found_issued": _("Ballots found (%(found)s) exceed ballots issued (%(issued)s)."),
        "correction_of": _("Correction of %(form)s"),
        "offline_waiting": _("No network: they are kept on this device and sent when the network returns."),
        "kept_since": _("%(form)s, kept since %(time)s"),
        "waiting_here": _("Waiting to send"),
        "received_by_server": _("Received by the mission: %(form)s, at %(time)s."),
        "kept_on_device": _(
            "Not sent yet: %(form)s is kept on this device (saved at %(time)s) and will be sent when the network "
            "returns. Do not fill it in again."
        ),
        "not_kept": _("This device could not keep the form. Keep this page open and try again with a network."),
        "correction_saved": _("Correction saved."),
        "draft_restored": _("Your answers from %(time)s were kept on this device and are filled in again."),
        "draft_discard_confirm": _("Clear the answers kept on this device and start this form again?"),
        "leave_confirm": _(
            "This form has not been sent. Leave it? Your answers stay on this device as a draft until you come back."
        ),
        "updated": pgettext("incidents page", "Updated %(time)s"),
        "no_incidents": _("No urgent incidents."),
        "urgent": _("Urgent"),
        "critical": _("Critical answer"),
        "dashboard_run": _("Run %(run)s (%(time)s)"),
        "dashboard_compiled": _(
            ": %(observations)s observations; assessed negatively: %(negative)s; "
            "urgent %(urgent)s, critical %(critical)s."
        ),
        "dashboard_no_run": _("No compilation yet."),
        "dashboard_updated": _("%(n)s forms received · updated %(time)s"),
        "dashboard_retry": _("Could not refresh; retrying."),
        "dashboard_incidents_some": _(
            "The latest %(shown)s of %(total)s shown; every urgent form is in the incident list of each report run "
            "and in the admin's list of forms (filter: urgent)."
        ),
        "dashboard_incidents_all": _("All %(total)s shown."),
    }


@register.filter
def kind_label(kind: str) -> str:
    """The name of a form kind in the page's language (its label in FormKind); an unknown kind as it is."""
    return str(FORM_KIND_LABELS.get(kind, kind))


@register.filter
def status_label(status: str) -> str:
    """The observer-facing name of a submission status."""
    return {
        "received": _("Received"),
        "corrected": _("Corrected"),
        "locked": _("Locked"),
    }.get(status, status)


@register.filter
def flag_messages(submission) -> list[str]:
    """A form's data-quality flags (the protocol arithmetic included) as sentences in the page's language."""
    return rules_flag_messages(submission.protocol_issues or [], template=submission.template, language=get_language())
