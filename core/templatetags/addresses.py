"""{% address 'name' %}: {% url 'name' %} of a page taking no arguments, reversed once a
process and language (core.addresses.page_address) instead of on every render.

The layout names about fifteen such pages; their reverse() was a share of every page.
"""

from django import template
from django.utils.html import conditional_escape

from core.addresses import page_address

register = template.Library()


class AddressNode(template.Node):
    def __init__(self, url_name):
        self.url_name = url_name

    def render(self, context):
        address = page_address(self.url_name)
        # As {% url %}: escaped where the template escapes.
        return conditional_escape(address) if context.autoescape else address


@register.tag
def address(parser, token):
    bits = token.split_contents()
    if len(bits) != 2 or bits[1][:1] not in "'\"" or bits[1][0] != bits[1][-1]:
        raise template.TemplateSyntaxError(
            f"{bits[0]} takes one quoted URL name of a page with no arguments"
        )
    return AddressNode(bits[1][1:-1])
