"""A logged-in browser named in words, from its user agent (issue 14, being built)."""


def describe_device(user_agent: str) -> str:
    return user_agent[:120]
