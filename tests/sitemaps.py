"""The sitemap as a crawler reads it: the index at /sitemap.xml, then every file it names."""

import re


def whole_sitemap(client, index="/sitemap.xml"):
    files = re.findall(r"<loc>([^<]+)</loc>", client.get(index).content.decode())
    assert files, "the index names the files"
    return "".join(
        client.get(address.removeprefix("http://testserver")).content.decode() for address in files
    )
