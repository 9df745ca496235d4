"""Base of API request and response schemas: snake_case in Python, lowerCamelCase on the wire."""

from pydantic import BaseModel, ConfigDict
from pydantic.alias_generators import to_camel


class ApiModel(BaseModel):
    """Requests forbid unknown fields: a misspelt field is an error the sender sees, not data dropped."""

    model_config = ConfigDict(
        alias_generator=to_camel,
        validate_by_name=True,
        validate_by_alias=True,
        serialize_by_alias=True,
        extra="forbid",
        from_attributes=True,
    )


class FrozenModel(ApiModel):
    """A fact, once received, is not edited in place: a change is a new fact (domain value objects)."""

    model_config = ConfigDict(frozen=True, from_attributes=False)
