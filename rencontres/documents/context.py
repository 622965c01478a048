"""What each template receives: typed contexts built from the validated content.

Every name a template may use is a field of a context, with a French description:
the list of fields shown to template editors is generated from these classes.
"""

from __future__ import annotations

from pydantic import BaseModel, ConfigDict


class TemplateContext(BaseModel):
    model_config = ConfigDict(frozen=True, arbitrary_types_allowed=True)

    def fields(self) -> dict[str, object]:
        """The top-level names the template sees."""
        return {name: getattr(self, name) for name in type(self).model_fields}
