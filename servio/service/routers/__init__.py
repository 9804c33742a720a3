"""One router per resource; handlers parse, call one core or store function, and shape the answer."""
