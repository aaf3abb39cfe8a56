"""Pure data: inventory, plan, findings and events, as frozen pydantic v2 models."""
