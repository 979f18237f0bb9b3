"""How a notice is named in lists: its title, or one built from its unit when it printed none."""


def display_title(notice):
    """The notice's title, or for a notice printed without one, a title built from its unit.

    `notice` is a Notice or the parser's dict of one.
    """
    get = notice.get if isinstance(notice, dict) else lambda key: getattr(notice, key)
    if get("title"):
        return get("title")
    if get("issuer"):
        return f"{get('issuer')}巡察整改情况（原文无标题）"
    return get("source")
