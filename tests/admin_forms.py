"""Submitting admin forms in tests as a browser would: start from what the page shows."""

from django.forms import ModelMultipleChoiceField


def form_data(response):
    """The POST data of the change form in `response`, main form and inlines, as rendered."""
    forms = [response.context["adminform"].form]
    # The history page that restores a version shows the main form only.
    for inline in response.context.get("inline_admin_formsets", []):
        forms += [inline.formset.management_form, *inline.formset.forms]
    data = {}
    for form in forms:
        for name, field in form.fields.items():
            value = form[name].value()
            if value is None or value is False:
                continue
            key = form.add_prefix(name)
            if value is True:
                data[key] = "on"
            elif isinstance(field, ModelMultipleChoiceField):
                data[key] = [str(v.pk if hasattr(v, "pk") else v) for v in value]
            else:
                data[key] = str(value.pk if hasattr(value, "pk") else value)
    return data
