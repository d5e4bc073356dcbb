"""Project-wide form rendering: every field says its errors inline, linked by id.

The error summary at the top of a form ("Det finns ett problem") is
templates/components/error_summary.html; the field template marks invalid fields
with aria-invalid and points aria-describedby at the hint and the error.
"""

from django.forms.renderers import TemplatesSetting


class FormRenderer(TemplatesSetting):
    form_template_name = "components/form.html"
    field_template_name = "components/field.html"
