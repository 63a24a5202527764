"""Topic labels a second provider gives by itself: the sections in SaudiNewsNet's article addresses.

Four of SaudiNewsNet's 14 Saudi outlets (2015) put the section in the address, and two are sports papers. The
table below maps those sections to the product's, written by reading the outlets' section names before any
model ran on them. Sections with no counterpart (local news, opinion, citizen journalism, the «news/a» catch-all)
are left out. `politics` is a partial label: these outlets file the Middle East and the world under it, so a
prediction of either counts for it (the same treatment the ANT splits give a model label an outlet lacks).
"""
import glob
import json
import os
import re
import urllib.parse
import zipfile

# (host fragment, how the section is read from the address) -> {publisher section: product section}
SECTIONS = {
    "alwatan.com.sa": {"Sports": "sport", "Economy": "economy", "Culture": "culture", "Politics": "politics"},
    "3alyoum.com": {
        "sports": "sport", "finance": "economy", "culture": "culture", "technology": "technology",
        "news/golobal": "politics", "news/pol": "politics",
    },
    "al-jazirah.com": {"sp": "sport", "ec": "economy", "cu": "culture"},
    "arreyadi.com.sa": {"": "sport"},
    "arriyadiyah.com": {"": "sport"},
}
LABEL_MAP = {"politics": ["middleEast", "internationalNews"]}


def publisher_section(url):
    """The outlet's own section key for `url` (the path's first segment, or two for 3alyoum's news; Al-Jazirah's
    file prefix), or None."""
    parts = urllib.parse.urlparse(urllib.parse.unquote(url))
    segments = [s for s in parts.path.split("/") if s]
    host = parts.netloc
    if "al-jazirah.com" in host:
        return re.sub(r"\d+\.htm$", "", segments[-1]) if segments else None
    if "3alyoum.com" in host and segments[:1] == ["news"] and len(segments) > 1:
        return "news/" + segments[1]
    if "arreyadi" in host or "arriyadiyah" in host:
        return ""
    return segments[0] if segments else None


def read(dataset):
    """SaudiNewsNet articles with a mapped section: dicts of id, outlet, url, title, text, category."""
    docs, seen = [], set()
    for path in sorted(glob.glob(os.path.join(dataset, "*.zip"))):
        with zipfile.ZipFile(path) as archive:
            for name in archive.namelist():
                if not name.endswith(".json"):
                    continue
                for article in json.loads(archive.read(name)):
                    url = article.get("url") or ""
                    if url in seen:
                        continue
                    seen.add(url)
                    host = urllib.parse.urlparse(url).netloc
                    table = next((t for fragment, t in SECTIONS.items() if fragment in host), None)
                    key = publisher_section(url) if table is not None else None
                    if key is None or key not in table:
                        continue
                    docs.append({
                        "id": url, "outlet": host.removeprefix("www."), "url": url,
                        "title": article.get("title") or "", "text": article.get("content") or "",
                        "category": table[key], "section": key,
                    })
    return docs
