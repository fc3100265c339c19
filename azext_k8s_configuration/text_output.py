"""Text for the terminal: whether a stream can show given characters (Windows pipes use cp1252, which has no
✔/✗ or box-drawing characters; Python then prints escapes or fails)."""
import codecs


def encodable(stream, text):
    """True when ``stream`` (a text stream such as sys.stdout/sys.stderr) can encode ``text`` as is."""
    encoding = getattr(stream, "encoding", None) or "ascii"
    try:
        codecs.encode(text, encoding)
    except (UnicodeEncodeError, LookupError):
        return False
    return True
