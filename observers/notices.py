"""The texts of the roster import's row errors, as notices (jobs/notices.py): written out in the reader's language
when shown."""

from django.utils.translation import gettext_lazy as _
from django_countries.fields import Country

from jobs.notices import Text, listed


def country_name(code: str) -> str:
    """A country's name in the reader's language, else its code as given."""
    return str(Country(code).name or code)


def _listed(values) -> str:
    return listed(values, limit=None)


TEXTS = {
    "name_missing": Text(_("the name is missing")),
    "nationality_missing": Text(_("the nationality (seconding state) is missing")),
    "not_a_country": Text(_("'%(value)s' is not a known ISO 3166-1 country code or name")),
    "host_national": Text(
        _("a national of the host country (%(country)s) cannot observe there"), labels={"country": country_name}
    ),
    "not_an_email": Text(_("'%(value)s' is not a valid email address")),
    "email_missing": Text(_("the email is missing")),
    "not_a_gender": Text(_("'%(value)s' is not a gender (female, male or other)")),
    "not_a_role": Text(_("'%(value)s' is not a role (STO, LTO, core team, head of mission, parliamentarian)")),
    "not_a_core_function": Text(_("'%(value)s' is not a core team function")),
    "core_function_not_core": Text(_("only core team members have a core team function")),
    "not_a_status": Text(_("'%(value)s' is not a status (%(values)s)"), labels={"values": _listed}),
    "not_a_date": Text(_("'%(value)s' is not a date (use YYYY-MM-DD or DD.MM.YYYY)")),
    "departure_before_arrival": Text(_("departure is before arrival")),
    "not_yes_or_no": Text(_("'%(value)s' is not yes or no")),
    "not_a_language": Text(_("'%(value)s' is not a language code such as 'ru' or 'ru:fluent'")),
    "not_a_level": Text(_("unknown level '%(value)s' (use %(values)s)"), labels={"values": _listed}),
    "too_long": Text(_("longer than %(limit)s characters")),
    "email_twice": Text(_("%(email)s appears twice in the file (also row %(other)s)")),
    "role_not_yours": Text(_("you may not give this role, nor change your own or a higher one")),
}
