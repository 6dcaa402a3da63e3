"""gunicorn's settings beyond the command line of `make serve`; read from the project folder.

gunicorn has no setting to leave out its `Server: gunicorn` header, which tells a
scanner what to try; its response class drops the line here.
"""

from gunicorn.http import wsgi


def _headers_without_server(default_headers):
    def headers(self):
        return [line for line in default_headers(self) if not line.startswith("Server:")]

    return headers


wsgi.Response.default_headers = _headers_without_server(wsgi.Response.default_headers)
