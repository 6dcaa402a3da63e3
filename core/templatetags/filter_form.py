"""The public lists' filter forms, rendered in Python.

Django renders each widget through its own templates (the select, every option,
the attributes): about 13 ms of every list page went to the filter form alone.
These tags write the same markup, label, widget and error list for each field, from
the widget's own attributes, choices and selection rules, and fall back to Django's
rendering for any widget other than an input or a select.
"""

from django import template
from django.forms.widgets import Input, Select
from django.utils.html import conditional_escape, format_html
from django.utils.safestring import mark_safe

register = template.Library()


def _attributes(attrs):
    # django/forms/widgets/attrs.html: False leaves the attribute out, True writes its name.
    return "".join(
        f" {name}" if value is True else f' {name}="{conditional_escape(value)}"'
        for name, value in attrs.items()
        if value is not False and value is not None
    )


def _input(widget):
    value = widget["value"]
    value = "" if value is None else f' value="{conditional_escape(value)}"'
    name = conditional_escape(widget["name"])
    return f'<input type="{widget["type"]}" name="{name}"{value}{_attributes(widget["attrs"])}>'


def _select(widget, name, value, attrs):
    """Select.render's markup, read from its choices (None for option groups).

    Django's optgroups builds a dict of attributes for every option, which cost more
    than the rest of the form; the selection follows its rules.
    """
    chosen = widget.format_value(value)
    options = []
    has_selected = False
    for option_value, label in widget.choices:
        if isinstance(label, (list, tuple)):
            return None
        if option_value is None:
            option_value = ""
        # As in Select.optgroups: of a single select, only the first match is selected.
        selected = not has_selected and str(option_value) in chosen
        has_selected |= selected
        options.append(
            f'<option value="{conditional_escape(option_value)}"'
            f"{' selected' if selected else ''}>{conditional_escape(label)}</option>"
        )
    attributes = _attributes(widget.build_attrs(widget.attrs, attrs))
    return f'<select name="{conditional_escape(name)}"{attributes}>{"".join(options)}</select>'


def _select_from_context(widget):
    options = []
    for group_name, group_choices, _index in widget["optgroups"]:
        if group_name:
            options.append(f'<optgroup label="{conditional_escape(group_name)}">')
        options.extend(
            f'<option value="{conditional_escape(option["value"])}"'
            f"{_attributes(option['attrs'])}>{conditional_escape(option['label'])}</option>"
            for option in group_choices
        )
        if group_name:
            options.append("</optgroup>")
    return (
        f'<select name="{conditional_escape(widget["name"])}"{_attributes(widget["attrs"])}>'
        + "".join(options)
        + "</select>"
    )


def render_widget(field):
    """The bound field's widget, as BoundField.as_widget() would render it."""
    widget = field.field.widget
    if not isinstance(widget, (Input, Select)) or widget.is_hidden:
        return str(field)
    attrs = field.build_widget_attrs({}, widget)
    if field.auto_id and "id" not in widget.attrs:
        attrs.setdefault("id", field.auto_id)
    value = field.value()
    if isinstance(widget, Select):
        if not widget.allow_multiple_selected:
            markup = _select(widget, field.html_name, value, attrs)
            if markup is not None:
                return markup
        return _select_from_context(widget.get_context(field.html_name, value, attrs)["widget"])
    return _input(widget.get_context(field.html_name, value, attrs)["widget"])


@register.simple_tag
def filter_fields(form, wide=""):
    """`{% filter_fields form wide="q" %}`: each field in a div of its own, with its label,
    widget and errors; the fields named in `wide` (space-separated) get class="wide".

    The error list's id is the one the widget's aria-describedby names (Django's
    `<id>_error`), so a screen reader reads the error with the field.
    """
    wide = set(wide.split())
    parts = []
    for field in form:
        # Django's own error list carries the id `<id>_error`; an empty one renders nothing
        # (its template is not worth rendering to learn that).
        error_list = str(field.errors) if field.errors else ""
        parts.append(
            format_html(
                '<div{}>\n    <label for="{}">{}</label>\n    {}\n    {}\n  </div>',
                mark_safe(' class="wide"') if field.name in wide else "",
                field.id_for_label,
                field.label,
                mark_safe(render_widget(field)),
                error_list,
            )
        )
    return mark_safe("\n  ".join(parts))
