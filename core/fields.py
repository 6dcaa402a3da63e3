"""Model fields several apps share."""

from django.core.validators import URLValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

# A record's source is shown to the public as a link: only web addresses, never a
# javascript: or file: one, and not ftp (which URLField alone would accept).
validate_web_address = URLValidator(
    schemes=["http", "https"], message=_("Give a web address beginning with http:// or https://.")
)


def source_url_field(**kwargs):
    """The public page a record's facts come from; the public pages link to it."""
    return models.URLField(
        _("source"),
        max_length=500,
        blank=True,
        validators=[validate_web_address],
        help_text=_("The address of the public page the facts of this record come from."),
        **kwargs,
    )
