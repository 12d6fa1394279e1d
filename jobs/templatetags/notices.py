"""{{ job.error|notice }}: a stored notice written out in the page's language."""

from django import template

from jobs.notices import notice_text

register = template.Library()


@register.filter
def notice(value) -> str:
    return notice_text(value)
