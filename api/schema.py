from drf_spectacular.openapi import AutoSchema

from .errors import ErrorSerializer


class RegistrySchema(AutoSchema):
    """Every operation documents the errors it may answer with, in the one error shape."""

    def _get_response_bodies(self, direction="response"):
        responses = super()._get_response_bodies(direction)
        for code in ("400", "404", "429"):
            responses.setdefault(
                code, self._get_response_for_code(ErrorSerializer, code, direction=direction)
            )
        return responses
