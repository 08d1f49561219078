"""The site's form renderer: Django's own form and widget templates, drawn by Jinja2 where Django ships them so.

Django draws every field, label, error list and widget through a template, and with its own template language a
<select> costs one template render per <option>. Django ships the same templates for Jinja2 (django/forms/jinja2/)
and tests its widgets against both. In-process CPU, least of 40 views (bench/page_cpu.py, --renderer django):

    page                                          Django's templates   Jinja2
    a customer's profile (language, country)      53 ms                18 ms
    the back-office's group form (permissions)    52 ms                22 ms
    the back-office's page of a customer          55 ms                47 ms

Templates Django ships only for its own template language (the back-office's widget wrappers and date pickers, a
custom widget's template) are drawn by it as before. Which engine holds a name is looked up once per process; each
engine loads and caches its templates as it always does.
"""

from django.forms.renderers import BaseRenderer, DjangoTemplates, Jinja2
from django.template import TemplateDoesNotExist


class FormRenderer(BaseRenderer):
    def __init__(self):
        self.jinja2 = Jinja2()
        self.django = DjangoTemplates()
        self._engine_of = {}

    def engine_for(self, template_name):
        """The renderer that holds `template_name`: Jinja2 for Django's shipped form templates, else Django's."""
        renderer = self._engine_of.get(template_name)
        if renderer is None:
            try:
                self.jinja2.get_template(template_name)
            except TemplateDoesNotExist:
                renderer = self.django
            else:
                renderer = self.jinja2
            self._engine_of[template_name] = renderer
        return renderer

    def get_template(self, template_name):
        return self.engine_for(template_name).get_template(template_name)
