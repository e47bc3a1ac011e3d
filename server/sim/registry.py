"""The simulated image registry: which images exist, how big they are, and what their programs do.

Owns: a catalogue of real images and tags (Docker Hub's library images, gcr.io's kuard and
hello-app, jocatalin/kubernetes-bootcamp, the kubernetes.io tutorials' images — perl, python,
postgres, polinux/stress, registry.k8s.io's hpa-example, agnhost, echoserver, nginx-slim, busybox,
liveness, goproxy, jessie-dnsutils, under their old k8s.gcr.io names too —, the control-plane images,
flannel, the ingress add-on's controller and kube-webhook-certgen) with
a size (which sets the simulated pull time), a stable sha256 digest, the image's ENTRYPOINT/CMD,
ports and userland (busybox, Debian's GNU tools, or none: distroless), and a static model of the
process a container runs (a server with its ports and HTTP paths, or a command that exits), which
kube-proxy's listeners still read. It also normalises image references the way Docker does
(``nginx`` → ``docker.io/library/nginx:latest``), words containerd's pull errors, and writes
kubeplay's own note for an image it does not have (``missing_note``, shown by ``describe pod``).

The catalogue is a class each cluster owns (``cluster.registry``), seeded from the built-in
table, so users can add their own images at runtime with ``Registry.add`` or from a manifest-like
document (``add_from_manifest``: ``kind: Image``, name, tag, ports, answers, logs).

Hands off: the kubelet (``kubelet.py``) asks it to resolve a reference when it pulls; what the
image's binaries do when they run is ``programs.py``'s (``Image.app`` names them), what its server
answers is ``net/apps.py``'s; nothing here renders pages.
"""

from __future__ import annotations

import hashlib
import re
import shlex
from dataclasses import dataclass, field, replace
from functools import cached_property

DEFAULT_REGISTRY = "docker.io"
FOREVER = float("inf")

#: wrappers an image's ENTRYPOINT uses to exec the real command (they run their arguments)
EXEC_WRAPPERS = frozenset({
    "/docker-entrypoint.sh", "docker-entrypoint.sh", "/usr/local/bin/docker-entrypoint.sh",
    "/entrypoint.sh", "entrypoint.sh", "tini", "/tini", "--", "dumb-init", "/usr/bin/dumb-init", "exec",
    "env", "/usr/bin/env", "nohup",
})
SHELLS = frozenset({"sh", "/bin/sh", "bash", "/bin/bash", "ash", "/bin/ash", "/usr/bin/bash", "/usr/bin/sh"})
#: utilities that finish at once with status 0 (what matters here is that they return)
QUICK_OK = frozenset({
    "true", ":", "echo", "printf", "date", "env", "printenv", "cat", "ls", "cp", "mv", "mkdir", "touch",
    "rm", "hostname", "id", "whoami", "uname", "pwd", "wget", "curl", "nslookup", "ping", "ps", "df",
    "chmod", "chown", "ln", "test", "[", "trap", "set", "export", "cd", "head", "grep", "sed", "awk",
    "tee", "wc", "dd", "mount", "ip", "ifconfig", "nc", "apt-get", "apk", "yum", "sync", "stat",
})


def normalize(ref: str) -> str:
    """Docker's reference normalisation: ``nginx`` → ``docker.io/library/nginx:latest``,
    ``jocatalin/kubernetes-bootcamp:v1`` → ``docker.io/jocatalin/kubernetes-bootcamp:v1``.
    A digest reference (``name@sha256:…``) keeps its digest and gets no tag."""
    ref = ref.strip()
    name, at, digest = ref.partition("@")
    tag = ""
    slash = name.rfind("/")
    colon = name.rfind(":")
    if colon > slash:
        name, tag = name[:colon], name[colon + 1:]
    first, _, rest = name.partition("/")
    if not rest:
        name = f"{DEFAULT_REGISTRY}/library/{first}"
    elif not ("." in first or ":" in first or first == "localhost"):
        name = f"{DEFAULT_REGISTRY}/{name}"
    elif first in ("index.docker.io", "registry-1.docker.io"):
        name = f"{DEFAULT_REGISTRY}/{rest}" if "/" in rest else f"{DEFAULT_REGISTRY}/library/{rest}"
    if at:
        return f"{name}@{digest}"
    return f"{name}:{tag or 'latest'}"


def split_ref(normalized: str) -> tuple[str, str]:
    """``docker.io/library/nginx:1.17`` → (``docker.io/library/nginx``, ``1.17``)."""
    if "@" in normalized:
        repo, _, digest = normalized.partition("@")
        return repo, "@" + digest
    repo, _, tag = normalized.rpartition(":")
    return repo, tag


@dataclass(frozen=True)
class Image:
    """One tag of one repository, and what its default program does."""

    repository: str  # normalised, e.g. docker.io/library/nginx
    tag: str
    size: int  # bytes, as containerd reports "Image size"
    entrypoint: tuple[str, ...] = ()
    cmd: tuple[str, ...] = ()
    #: the default program is a long-running server (else it runs ``runs_for`` s and exits)
    server: bool = True
    ports: tuple[int, ...] = ()
    runs_for: float = 0.0
    exit_code: int = 0
    #: the program exits promptly on SIGTERM (else it is SIGKILLed at the end of the grace period)
    handles_sigterm: bool = True
    sigterm_exit_code: int = 0
    #: HTTP paths the server answers with 2xx/3xx; ``None`` = every path
    http_paths: frozenset[str] | None = frozenset({"/"})
    #: the server refuses to start (exits 1 after ``runs_for``) unless one of these env vars is set
    requires_env: tuple[str, ...] = ()
    #: what issue 3's app layer will use to render the server's answers (welcome page, kuard, ...)
    app: str = ""
    #: words that run this image's server when they head the command line
    server_binaries: frozenset[str] = frozenset()
    #: a user's image: what it answers, (path, status, body) per path, and what it logs at start
    answers: tuple[tuple[str, int, str], ...] = ()
    log_lines: tuple[str, ...] = ()
    #: the image's userland: ``busybox`` (busybox applets, ash), ``dash`` (Debian: GNU coreutils,
    #: dash as /bin/sh, bash), or ``""`` for a distroless image with no shell and no utilities
    userland: str = "dash"
    #: the image config's ``Env`` after Docker's default ``PATH`` (its Dockerfile's ``ENV`` lines,
    #: in order, ``$VAR`` already expanded as the build did): what containerd puts after ``PATH``
    #: and ``HOSTNAME`` in every process's environment; a ``PATH`` here replaces the default in place
    env: tuple[tuple[str, str], ...] = ()

    @property
    def ref(self) -> str:
        return f"{self.repository}:{self.tag}"

    @cached_property
    def digest(self) -> str:
        """A stable sha256, the same for every cluster and run."""
        return "sha256:" + hashlib.sha256(f"kubeplay:{self.repository}:{self.tag}".encode()).hexdigest()

    @property
    def image_id(self) -> str:
        """What containerStatuses[].imageID shows: ``docker.io/library/nginx@sha256:…``."""
        return f"{self.repository}@{self.digest}"


@dataclass(frozen=True)
class Process:
    """What a container's main process does once started."""

    server: bool  # listens on ``ports`` and answers probes
    runs_for: float  # seconds until it exits by itself (FOREVER for servers and endless loops)
    exit_code: int
    handles_sigterm: bool
    sigterm_exit_code: int = 0
    ports: tuple[int, ...] = ()
    http_paths: frozenset[str] | None = frozenset({"/"})


# -- the built-in catalogue ------------------------------------------------------------------
MB = 1_000_000


@dataclass(frozen=True)
class _Family:
    repository: str
    tags: dict[str, int]  # tag -> size
    behaviour: dict = field(default_factory=dict)


def _nginx_tags() -> dict[str, int]:
    tags: dict[str, int] = {"1.7.9": 91_664_166, "1.9.10": 182_700_000, "1.10": 181_500_000, "1.11": 182_800_000,
                            "1.12": 108_900_000, "1.13": 108_960_000, "1.14.2": 109_290_000}
    for minor in range(14, 28):
        size = 109_000_000 if minor < 16 else 126_600_000 if minor < 19 else 142_100_000 if minor < 22 else 187_700_000
        # the tutorial-famous sizes: nginx:1.17 is 72 MB compressed (what the Pulled event shows)
        size = {16: 51_030_000, 17: 72_187_541}.get(minor, size)
        tags[f"1.{minor}"] = size
        tags[f"1.{minor}.0"] = size
        tags[f"1.{minor}-alpine"] = 9_000_000 + minor * 500_000
    tags.update({"1.16.1": 51_030_000, "1.17.10": 72_187_541, "1.25.5": 70_991_000, "1.26.3": 72_099_000,
                 "1.27.3": 72_099_410, "1.27.4": 72_195_292, "latest": 72_195_292, "stable": 70_991_000,
                 "mainline": 72_195_292, "alpine": 20_506_000, "stable-alpine": 19_990_000,
                 "mainline-alpine": 20_506_000, "perl": 81_720_000})
    return tags



# -- the images' ENV (their Dockerfiles' ENV lines, as their image configs hold them) -----------------
#: nginx's Debian images (nginxinc/docker-nginx ``*/debian``, ``buster``, ``stretch``, ``jessie``):
#: NGINX_VERSION -> (NJS_VERSION, NJS_RELEASE, PKG_RELEASE, DYNPKG_RELEASE), "" where that
#: Dockerfile has no such line, as each version's last build had them; before 1.15.12 the package
#: versions were one string (``1.14.2-1~stretch``, njs ``1.14.2.0.2.6-1~stretch``)
_NGINX_ENV: dict[str, tuple[str, str, str, str]] = {
    "1.7.9": ("", "", "", ""), "1.9.10": ("", "", "", ""),
    "1.10.3": ("", "", "", ""), "1.11.13": ("", "", "", ""),
    "1.12.2": ("0.1.14", "", "", ""), "1.13.12": ("0.2.0", "", "", ""), "1.14.0": ("0.2.0", "", "", ""),
    "1.14.2": ("0.2.6", "", "", ""), "1.15.0": ("0.2.1", "", "", ""),
    "1.15.12": ("0.3.1", "", "1~stretch", ""), "1.16.0": ("0.3.2", "", "1~buster", ""),
    "1.16.1": ("0.3.8", "", "1~buster", ""), "1.17.0": ("0.3.2", "", "1~stretch", ""),
    "1.17.10": ("0.4.0", "", "1~buster", ""), "1.18.0": ("0.4.4", "", "2~buster", ""),
    "1.19.0": ("0.4.1", "", "1~buster", ""), "1.19.10": ("0.5.3", "", "1~buster", ""),
    "1.20.0": ("0.5.3", "", "1~buster", ""), "1.20.2": ("0.7.3", "", "1~bullseye", ""),
    "1.21.0": ("0.5.3", "", "1~buster", ""), "1.21.6": ("0.7.3", "", "1~bullseye", ""),
    "1.22.0": ("0.7.6", "", "1~bullseye", ""), "1.22.1": ("0.7.11", "", "1~bullseye", ""),
    "1.23.0": ("0.7.5", "", "1~bullseye", ""), "1.23.4": ("0.7.11", "", "1~bullseye", ""),
    "1.24.0": ("0.8.0", "", "1~bullseye", ""), "1.25.0": ("0.7.12", "", "1~bullseye", ""),
    "1.25.5": ("0.8.4", "3~bookworm", "1~bookworm", ""), "1.26.0": ("0.8.4", "2~bookworm", "1~bookworm", ""),
    "1.26.3": ("0.8.9", "1~bookworm", "1~bookworm", "2~bookworm"),
    "1.27.0": ("0.8.4", "2~bookworm", "2~bookworm", ""),
    "1.27.3": ("0.8.8", "1~bookworm", "1~bookworm", "1~bookworm"),
    "1.27.4": ("0.8.9", "1~bookworm", "1~bookworm", "1~bookworm"),
}
#: which release a moving nginx tag pointed at last (``1.17`` → 1.17.10, ``latest`` → 1.27.4)
_NGINX_ALIASES = {"latest": "1.27.4", "mainline": "1.27.4", "perl": "1.27.4", "stable": "1.26.3",
                  "alpine": "1.27.4-alpine", "mainline-alpine": "1.27.4-alpine",
                  "stable-alpine": "1.26.3-alpine"}
#: the distribution suffix of the old one-string package versions, by minor
_NGINX_OLD_DISTRO = {7: "wheezy", 9: "jessie", 10: "jessie", 11: "jessie"}


def _nginx_version(tag: str) -> tuple[str, bool] | None:
    """The nginx release a tag of the nginx image holds, and whether it is the alpine variant."""
    tag = _NGINX_ALIASES.get(tag, tag)
    alpine = tag.endswith("-alpine")
    base = tag.removesuffix("-alpine")
    if base in _NGINX_ENV:
        return base, alpine
    parts = base.split(".")
    if len(parts) == 2:  # a minor's moving tag: its newest release here
        newest = [v for v in _NGINX_ENV if v.split(".")[:2] == parts]
        if newest:
            return max(newest, key=lambda v: int(v.split(".")[2])), alpine
    return None


def nginx_env(tag: str) -> tuple[tuple[str, str], ...]:
    """The ENV of ``nginx:<tag>``: ``NGINX_VERSION``, ``NJS_VERSION``, ``NJS_RELEASE``,
    ``PKG_RELEASE``, ``DYNPKG_RELEASE`` as that release's Dockerfile sets them. The alpine
    variants (FROM their ``-alpine-slim`` image since 1.23: its NGINX_VERSION, PKG_RELEASE,
    DYNPKG_RELEASE first, then NJS_VERSION, NJS_RELEASE) carry the bare release numbers."""
    found = _nginx_version(tag)
    if found is None:
        return ()
    version, alpine = found
    njs, njs_rel, pkg, dynpkg = _NGINX_ENV[version]
    minor = int(version.split(".")[1])
    if not pkg:  # before 1.15.12: package version strings
        if alpine:
            return (("NGINX_VERSION", version),) + ((("NJS_VERSION", njs),) if njs else ())
        distro = _NGINX_OLD_DISTRO.get(minor, "stretch")
        out: tuple[tuple[str, str], ...] = (("NGINX_VERSION", f"{version}-1~{distro}"),)
        return out + ((("NJS_VERSION", f"{version}.{njs}-1~{distro}"),) if njs else ())
    if alpine:
        def bare(r: str) -> str:
            return r.split("~", 1)[0]

        slim = [("NGINX_VERSION", version), ("PKG_RELEASE", bare(pkg))]
        if dynpkg:
            slim.append(("DYNPKG_RELEASE", bare(dynpkg)))
        rest = [("NJS_VERSION", njs)] + ([("NJS_RELEASE", bare(njs_rel))] if njs_rel else [])
        return tuple(slim + rest) if minor >= 23 else tuple(slim[:1] + rest + slim[1:])
    pairs = [("NGINX_VERSION", version), ("NJS_VERSION", njs)]
    if njs_rel:
        pairs.append(("NJS_RELEASE", njs_rel))
    pairs.append(("PKG_RELEASE", pkg))
    if dynpkg:
        pairs.append(("DYNPKG_RELEASE", dynpkg))
    return tuple(pairs)


#: httpd's (docker-library/httpd 2.4): HTTPD_PREFIX, its bin/ before the default PATH, the release
_HTTPD_SHA256 = {"2.4.62": "674188e7bf44ced82da8db522da946849e22080d73d16c93f7f4df89e25729ec",
                 "2.4.63": "88fc236ab99b2864b248de7d49a008ec2afd7551e64dce8b95f58f32f94c46ab"}
DEFAULT_PATH = "/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin"


def httpd_env(tag: str) -> tuple[tuple[str, str], ...]:
    if not tag.startswith(("2.4", "latest", "alpine")):
        return ()
    version = tag.removesuffix("-alpine") if tag.removesuffix("-alpine") in _HTTPD_SHA256 else "2.4.63"
    return (("PATH", "/usr/local/apache2/bin:" + DEFAULT_PATH), ("HTTPD_PREFIX", "/usr/local/apache2"),
            ("HTTPD_VERSION", version), ("HTTPD_SHA256", _HTTPD_SHA256[version]), ("HTTPD_PATCHES", ""))


#: registry.k8s.io/hpa-example is ``FROM php:5-apache`` plus its index.php: php:5-apache's ENV as
#: its last build (docker-library/php 5.6/stretch/apache, PHP 5.6.40) has them
_PHP_CFLAGS = "-fstack-protector-strong -fpic -fpie -O2"
PHP_APACHE_ENV: tuple[tuple[str, str], ...] = (
    ("PHPIZE_DEPS", "autoconf \t\tdpkg-dev \t\tfile \t\tg++ \t\tgcc \t\tlibc-dev \t\tmake \t\tpkg-config \t\tre2c"),
    ("PHP_INI_DIR", "/usr/local/etc/php"), ("APACHE_CONFDIR", "/etc/apache2"),
    ("APACHE_ENVVARS", "/etc/apache2/envvars"), ("PHP_EXTRA_BUILD_DEPS", "apache2-dev"),
    ("PHP_EXTRA_CONFIGURE_ARGS", "--with-apxs2 --disable-cgi"), ("PHP_CFLAGS", _PHP_CFLAGS),
    ("PHP_CPPFLAGS", _PHP_CFLAGS), ("PHP_LDFLAGS", "-Wl,-O1 -Wl,--hash-style=both -pie"),
    ("GPG_KEYS", "0BD78B5F97500D450838F95DFE857D9A90D90EC1 6E4F6AB321FDC07F2C332E3AC2BF0BC433CFC8B3"),
    ("PHP_VERSION", "5.6.40"),
    ("PHP_URL", "https://secure.php.net/get/php-5.6.40.tar.xz/from/this/mirror"),
    ("PHP_ASC_URL", "https://secure.php.net/get/php-5.6.40.tar.xz.asc/from/this/mirror"),
    ("PHP_SHA256", "1369a51eee3995d7fbd1c5342e5cc917760e276d561595b6052b21ace2656d1c"), ("PHP_MD5", ""),
)


#: redis (docker-library/redis): the release a tag's last build has, GOSU_VERSION, the tarball's sha256
_REDIS = {"5.0.5": ("5.0.5", "1.11", "2139009799d21d8ff94fc40b7f36ac46699b9e1254086299f8d3b223ca54a375"),
          "5": ("5.0.14", "1.14", "3ea5024766d983249e80d4aa9457c897a9f079957d0fb1f35682df233f997f32"),
          "6": ("6.2.17", "1.17", "f7aab300407aaa005bc1a688e61287111f4ae13ed657ec50ef4ab529893ddc30"),
          "7.4": ("7.4.2", "1.17", "4ddebbf09061cbb589011786febdb34f29767dd7f89dbe712d2b68e808af6a1f")}
_REDIS_TAGS = {"5.0.5": "5.0.5", "5": "5", "6": "6", "6.2": "6", "7": "7.4", "7.4": "7.4", "latest": "7.4",
               "alpine": "7.4"}


def redis_env(tag: str) -> tuple[tuple[str, str], ...]:
    """GOSU_VERSION, REDIS_VERSION, REDIS_DOWNLOAD_URL, REDIS_DOWNLOAD_SHA (the alpine variant has
    used gosu too since 7.4); () for a tag whose build is not recorded here (7.2)."""
    key = _REDIS_TAGS.get(tag)
    if key is None:
        return ()
    version, gosu, sha = _REDIS[key]
    return (("GOSU_VERSION", gosu), ("REDIS_VERSION", version),
            ("REDIS_DOWNLOAD_URL", f"http://download.redis.io/releases/redis-{version}.tar.gz"),
            ("REDIS_DOWNLOAD_SHA", sha))


#: postgres (docker-library/postgres, bookworm): major -> the PGDG package of its February 2025 build
_POSTGRES = {"13": "13.20-1.pgdg120+1", "14": "14.17-1.pgdg120+1", "15": "15.12-1.pgdg120+1",
             "16": "16.8-1.pgdg120+1", "17": "17.4-1.pgdg120+2"}


def postgres_env(tag: str) -> tuple[tuple[str, str], ...]:
    """PATH with the major's bin/ appended, GOSU_VERSION, LANG, PG_MAJOR, PG_VERSION, PGDATA (the
    Debian variants; the alpine ones build from source with other variables and are not modelled)."""
    if "alpine" in tag:
        return ()
    major = tag.split("-")[0] if tag.split("-")[0] in _POSTGRES else "17"
    return (("PATH", f"{DEFAULT_PATH}:/usr/lib/postgresql/{major}/bin"), ("GOSU_VERSION", "1.17"),
            ("LANG", "en_US.utf8"), ("PG_MAJOR", major), ("PG_VERSION", _POSTGRES[major]),
            ("PGDATA", "/var/lib/postgresql/data"))


#: python (docker-library/python): minor -> (release, GPG_KEY of its release manager, PYTHON_SHA256;
#: 3.8's last images predate the checksum variable)
_PYTHON = {"3.8": ("3.8.20", "E3FF2839C048B25C084DEBE9B26995E310250568", ""),
           "3.9": ("3.9.21", "E3FF2839C048B25C084DEBE9B26995E310250568",
                   "3126f59592c9b0d798584755f2bf7b081fa1ca35ce7a6fea980108d752a05bb1"),
           "3.10": ("3.10.16", "A035C8C19219BA821ECEA86B64E628F8D684696D",
                    "bfb249609990220491a1b92850a07135ed0831e41738cf681d63cf01b2a8fbd1"),
           "3.11": ("3.11.11", "A035C8C19219BA821ECEA86B64E628F8D684696D",
                    "2a9920c7a0cd236de33644ed980a13cbbc21058bfdc528febb6081575ed73be3"),
           "3.12": ("3.12.9", "7169605F62C751356D054A26A821E680E5FA6305",
                    "7220835d9f90b37c006e9842a8dff4580aaca4318674f947302b8d28f3f81112"),
           "3.13": ("3.13.2", "7169605F62C751356D054A26A821E680E5FA6305",
                    "d984bcc57cd67caab26f7def42e523b1c015bbc5dc07836cf4f0b63fa159eb56")}


def python_env(tag: str) -> tuple[tuple[str, str], ...]:
    """``ENV PATH /usr/local/bin:$PATH``, LANG=C.UTF-8 (dropped from 3.13 on), GPG_KEY,
    PYTHON_VERSION, PYTHON_SHA256 — the same in the full, -slim and -alpine variants."""
    minor = tag.split("-")[0]
    minor = minor if minor in _PYTHON else "3.13"
    version, key, sha = _PYTHON[minor]
    out: list[tuple[str, str]] = [("PATH", "/usr/local/bin:" + DEFAULT_PATH)]
    if minor != "3.13":
        out.append(("LANG", "C.UTF-8"))
    out += [("GPG_KEY", key), ("PYTHON_VERSION", version)]
    if sha:
        out.append(("PYTHON_SHA256", sha))
    return tuple(out)


#: wordpress:6.x is ``FROM php:8.2-apache`` and adds no ENV of its own (its Dockerfile fetches
#: WordPress with shell variables): php:8.2-apache's, as its December 2024 build (PHP 8.2.27) has them
_PHP82_CFLAGS = "-fstack-protector-strong -fpic -fpie -O2 -D_LARGEFILE_SOURCE -D_FILE_OFFSET_BITS=64"
WORDPRESS_ENV: tuple[tuple[str, str], ...] = (
    ("PHPIZE_DEPS", "autoconf \t\tdpkg-dev \t\tfile \t\tg++ \t\tgcc \t\tlibc-dev \t\tmake \t\tpkg-config \t\tre2c"),
    ("PHP_INI_DIR", "/usr/local/etc/php"), ("APACHE_CONFDIR", "/etc/apache2"),
    ("APACHE_ENVVARS", "/etc/apache2/envvars"), ("PHP_CFLAGS", _PHP82_CFLAGS), ("PHP_CPPFLAGS", _PHP82_CFLAGS),
    ("PHP_LDFLAGS", "-Wl,-O1 -pie"),
    ("GPG_KEYS", "39B641343D8C104B2B146DC3F9C39DC0B9698544 E60913E4DF209907D8E30D96659A97C9CF2A795A "
                 "1198C0117593497A5EC5C199286AF1F9897469DC"),
    ("PHP_VERSION", "8.2.27"), ("PHP_URL", "https://www.php.net/distributions/php-8.2.27.tar.xz"),
    ("PHP_ASC_URL", "https://www.php.net/distributions/php-8.2.27.tar.xz.asc"),
    ("PHP_SHA256", "3eec91294d8c09b3df80b39ec36d574ed9b05de4c8afcb25fa215d48f9ecbc6b"),
)


def image_env(repository: str, tag: str) -> tuple[tuple[str, str], ...]:
    """The ENV of a catalogue image (``Image.env``), from its Dockerfile as the tag's build has it;
    () for images whose config has only PATH (busybox, alpine, perl — its Dockerfile sets no ENV —,
    the distroless ones) or whose ENV is not modelled."""
    if repository == "docker.io/library/nginx":
        return nginx_env(tag)
    if repository == "docker.io/library/httpd":
        return httpd_env(tag)
    if repository.endswith("/hpa-example"):
        return PHP_APACHE_ENV
    if repository == "docker.io/library/redis":
        return redis_env(tag)
    if repository == "docker.io/library/mysql":
        from .mysql import image_env as mysql_env

        return mysql_env(tag)
    if repository == "docker.io/library/postgres":
        return postgres_env(tag)
    if repository == "docker.io/library/python":
        return python_env(tag)
    if repository == "docker.io/library/wordpress" and not tag.startswith("4."):
        return WORDPRESS_ENV
    return ()


_FAMILIES: tuple[_Family, ...] = (
    _Family("docker.io/library/nginx", _nginx_tags(), dict(
        entrypoint=("/docker-entrypoint.sh",), cmd=("nginx", "-g", "daemon off;"), ports=(80,),
        http_paths=frozenset({"/", "/index.html", "/50x.html"}), app="nginx",
        server_binaries=frozenset({"nginx", "nginx-debug", "/usr/sbin/nginx"}))),
    _Family("docker.io/library/httpd", {"2.4": 58_158_000, "2.4.62": 58_158_000, "2.4.63": 58_174_000,
                                        "latest": 58_174_000, "alpine": 23_950_000, "2.4-alpine": 23_950_000,
                                        "2.2": 59_980_000}, dict(
        cmd=("httpd-foreground",), ports=(80,), http_paths=frozenset({"/", "/index.html"}), app="httpd",
        server_binaries=frozenset({"httpd-foreground", "httpd", "apachectl"}))),
    _Family("docker.io/library/busybox", {"1.28": 1_146_369, "1.32": 764_663, "1.35": 2_214_000,
                                          "1.36": 2_152_262, "1.36.1": 2_152_262, "1.37": 2_160_000, "1.37.0": 2_160_000,
                                          "latest": 2_160_000, "stable": 2_160_000, "musl": 861_000,
                                          "glibc": 2_160_000, "uclibc": 1_030_000}, dict(
        userland="busybox", cmd=("sh",), server=False, handles_sigterm=False, http_paths=None, app="busybox")),
    _Family("docker.io/library/alpine", {"3.18": 3_410_000, "3.19": 3_420_000, "3.20": 3_620_000,
                                         "3.21": 3_640_000, "3": 3_640_000, "latest": 3_640_000}, dict(
        userland="busybox", cmd=("/bin/sh",), server=False, handles_sigterm=False, http_paths=None)),
    _Family("docker.io/library/ubuntu", {"20.04": 27_510_000, "22.04": 29_540_000, "24.04": 29_750_000,
                                         "latest": 29_750_000}, dict(
        cmd=("/bin/bash",), server=False, handles_sigterm=False, http_paths=None)),
    _Family("docker.io/library/centos", {"7": 76_097_157, "centos7": 76_097_157, "8": 83_518_086,
                                         "latest": 83_518_086}, dict(
        cmd=("/bin/bash",), server=False, handles_sigterm=False, http_paths=None)),
    _Family("docker.io/library/redis", {"5.0.5": 35_190_000, "5": 35_190_000, "6": 40_180_000, "6.2": 40_180_000,
                                        "7": 45_500_000, "7.2": 45_200_000, "7.4": 45_540_000,
                                        "latest": 45_540_000, "alpine": 17_250_000}, dict(
        entrypoint=("docker-entrypoint.sh",), cmd=("redis-server",), ports=(6379,), http_paths=frozenset(),
        app="redis", server_binaries=frozenset({"redis-server"}))),
    _Family("docker.io/library/mysql", {"5.6": 103_000_000, "5.7": 137_300_000, "5.7.30": 156_200_000,
                                        "8.0": 169_500_000, "8.4": 172_600_000, "9": 176_000_000,
                                        "latest": 176_000_000}, dict(
        entrypoint=("docker-entrypoint.sh",), cmd=("mysqld",), ports=(3306, 33060), http_paths=frozenset(),
        requires_env=("MYSQL_ROOT_PASSWORD", "MYSQL_ALLOW_EMPTY_PASSWORD", "MYSQL_RANDOM_ROOT_PASSWORD"),
        runs_for=0.8, exit_code=1, app="mysql", server_binaries=frozenset({"mysqld"}))),
    _Family("docker.io/library/wordpress", {"4.8-apache": 163_900_000, "4.8": 163_900_000, "6": 250_300_000,
                                            "6-apache": 250_300_000, "6.7": 250_300_000, "latest": 250_300_000,
                                            "php8.2-apache": 248_000_000}, dict(
        entrypoint=("docker-entrypoint.sh",), cmd=("apache2-foreground",), ports=(80,), http_paths=None,
        app="wordpress", server_binaries=frozenset({"apache2-foreground"}))),
    _Family("gcr.io/kuar-demo/kuard-amd64", {"1": 10_976_000, "blue": 11_044_000, "green": 11_044_000,
                                             "purple": 11_044_000}, dict(
        userland="", entrypoint=("/kuard",), ports=(8080,), sigterm_exit_code=2, app="kuard",
        http_paths=frozenset({"/", "/healthy", "/ready", "/env", "/mem", "/dns", "/keygen", "/memq", "/fs/"}),
        server_binaries=frozenset({"/kuard", "kuard"}))),
    _Family("docker.io/jocatalin/kubernetes-bootcamp", {"v1": 83_570_000, "v2": 83_570_000}, dict(
        # node server.js as PID 1 with no SIGTERM handler: it only dies with the SIGKILL
        cmd=("/bin/sh", "-c", "node server.js"), ports=(8080,), handles_sigterm=False, http_paths=None,
        app="kubernetes-bootcamp", server_binaries=frozenset({"node"}))),
    _Family("registry.k8s.io/pause", {"3.9": 321_520, "3.10": 320_368}, dict(
        userland="", entrypoint=("/pause",))),
    _Family("registry.k8s.io/coredns/coredns", {"v1.11.1": 18_182_961, "v1.11.3": 18_562_039}, dict(
        userland="", entrypoint=("/coredns",), ports=(53, 8080, 8181, 9153), http_paths=frozenset({"/health", "/ready", "/metrics"}),
        app="coredns", server_binaries=frozenset({"/coredns", "coredns"}))),
    _Family("registry.k8s.io/etcd", {"3.5.1-0": 98_888_614, "3.5.15-0": 56_909_194, "3.5.16-0": 57_680_541}, dict(
        userland="", cmd=("etcd",), ports=(2379, 2380, 2381), http_paths=frozenset({"/health", "/readyz", "/livez", "/metrics"}),
        server_binaries=frozenset({"etcd"}))),
    _Family("docker.io/flannel/flannel", {"v0.25.7": 31_380_000, "v0.26.0": 32_996_000, "v0.26.1": 32_996_000,
                                          "v0.26.2": 33_040_000, "v0.26.3": 33_060_000, "v0.26.4": 33_090_000},
            dict(entrypoint=("/opt/bin/flanneld",), http_paths=frozenset(), app="flannel",
                 server_binaries=frozenset({"/opt/bin/flanneld", "flanneld"}))),
    _Family("docker.io/flannel/flannel-cni-plugin", {"v1.5.1-flannel2": 4_856_000, "v1.6.0-flannel1": 4_866_000},
            dict(cmd=("/bin/sh",), server=False, handles_sigterm=False, http_paths=None)),
    _Family("docker.io/curlimages/curl", {"8.11.1": 11_520_000, "latest": 11_520_000}, dict(
        userland="busybox", entrypoint=("/entrypoint.sh",), cmd=("curl",), server=False, exit_code=2, http_paths=None)),
    # -- the kubernetes.io tutorials' images ------------------------------------------------------
    _Family("docker.io/library/perl", {"5.34.0": 336_412_000, "5.34": 336_412_000, "5.36": 339_130_000,
                                       "5.38": 341_400_000, "5.40": 342_780_000, "5.40.1": 342_780_000,
                                       "latest": 342_780_000, "slim": 40_230_000}, dict(
        cmd=("perl", "-de0"), server=False, handles_sigterm=False, http_paths=None, app="perl")),
    _Family("docker.io/library/python", {f"3.{m}": 370_000_000 + m * 1_000_000 for m in range(8, 14)}
            | {f"3.{m}-slim": 42_000_000 + m * 100_000 for m in range(8, 14)}
            | {f"3.{m}-alpine": 17_000_000 + m * 100_000 for m in range(8, 14)}
            | {"3": 383_000_000, "latest": 383_000_000, "slim": 43_300_000, "alpine": 18_300_000}, dict(
        cmd=("python3",), server=False, handles_sigterm=False, http_paths=None, app="python")),
    _Family("docker.io/library/postgres", {"13": 150_000_000, "14": 151_000_000, "15": 152_000_000,
                                           "16": 153_800_000, "17": 155_400_000, "latest": 155_400_000,
                                           "alpine": 107_600_000, "16-alpine": 105_300_000,
                                           "17-alpine": 107_600_000}, dict(
        entrypoint=("docker-entrypoint.sh",), cmd=("postgres",), ports=(5432,), http_paths=frozenset(),
        requires_env=("POSTGRES_PASSWORD", "POSTGRES_HOST_AUTH_METHOD"), runs_for=0.1, exit_code=1,
        app="postgres", server_binaries=frozenset({"postgres"}))),
    _Family("docker.io/library/node", {"18": 385_000_000, "20": 392_000_000, "22": 399_000_000,
                                       "latest": 399_000_000, "alpine": 56_000_000, "22-alpine": 56_000_000},
            dict(entrypoint=("docker-entrypoint.sh",), cmd=("node",), server=False, handles_sigterm=False,
                 http_paths=None, app="node")),
    _Family("docker.io/library/golang", {"1.22": 294_000_000, "1.23": 297_000_000, "1.24": 300_000_000,
                                         "latest": 300_000_000, "alpine": 80_000_000}, dict(
        cmd=("bash",), server=False, handles_sigterm=False, http_paths=None)),
    _Family("docker.io/library/debian", {"11": 53_700_000, "12": 48_500_000, "bullseye": 53_700_000,
                                         "bookworm": 48_500_000, "bookworm-slim": 28_200_000,
                                         "latest": 48_500_000}, dict(
        cmd=("bash",), server=False, handles_sigterm=False, http_paths=None)),
    _Family("docker.io/polinux/stress", {"latest": 4_046_000, "1.0.4": 4_046_000}, dict(
        cmd=("stress", "--help"), server=False, handles_sigterm=False, http_paths=None, app="stress")),
    _Family("registry.k8s.io/hpa-example", {"latest": 180_400_000}, dict(
        cmd=("apache2-foreground",), ports=(80,), http_paths=None, app="php-apache",
        server_binaries=frozenset({"apache2-foreground"}))),
    _Family("registry.k8s.io/e2e-test-images/agnhost", {t: 51_000_000 + i * 300_000 for i, t in enumerate(
        ("2.32", "2.39", "2.40", "2.43", "2.45", "2.47", "2.48", "2.50", "2.52", "2.53"))}, dict(
        entrypoint=("/agnhost",), cmd=("pause",), ports=(8080,), http_paths=None, app="agnhost",
        server_binaries=frozenset({"/agnhost", "agnhost"}))),
    _Family("registry.k8s.io/echoserver", {"1.4": 46_000_000, "1.10": 46_300_000}, dict(
        cmd=("nginx", "-g", "daemon off;"), ports=(8080,), http_paths=None, app="echoserver",
        server_binaries=frozenset({"nginx", "/usr/sbin/nginx"}))),
    _Family("registry.k8s.io/nginx-slim", {"0.8": 51_000_000, "0.21": 40_100_000, "0.24": 44_600_000,
                                           "0.27": 45_200_000}, dict(
        cmd=("nginx", "-g", "daemon off;"), ports=(80,), http_paths=frozenset({"/", "/index.html", "/50x.html"}),
        app="nginx", server_binaries=frozenset({"nginx", "/usr/sbin/nginx"}))),
    _Family("registry.k8s.io/busybox", {"latest": 1_144_547, "1.24": 1_115_000, "1.27.2": 1_234_000}, dict(
        userland="busybox", cmd=("sh",), server=False, handles_sigterm=False, http_paths=None, app="busybox")),
    _Family("registry.k8s.io/liveness", {"latest": 2_700_000}, dict(
        userland="", entrypoint=("/server",), ports=(8080,), http_paths=None, app="liveness",
        server_binaries=frozenset({"/server"}))),
    _Family("registry.k8s.io/goproxy", {"0.1": 2_600_000}, dict(
        userland="", entrypoint=("/goproxy",), ports=(8080,), http_paths=None, app="goproxy",
        server_binaries=frozenset({"/goproxy"}))),
    # the Namespaces Walkthrough's snowflake/cattle Deployments: a static Go binary answering its hostname
    _Family("registry.k8s.io/serve_hostname", {"latest": 2_950_000, "1.4": 2_950_000}, dict(
        userland="", entrypoint=("/serve_hostname",), ports=(9376,), http_paths=None, app="serve_hostname",
        server_binaries=frozenset({"/serve_hostname"}))),
    # Debugging DNS Resolution's dnsutils pod: debian-base with BIND's dnsutils (nslookup, dig)
    _Family("registry.k8s.io/e2e-test-images/jessie-dnsutils", {"1.3": 112_000_000, "1.5": 113_000_000,
                                                                "1.7": 113_500_000}, dict(
        cmd=("/bin/sh",), server=False, handles_sigterm=False, http_paths=None, app="dnsutils")),
    # the ingress add-on's images (minikube's ingress-nginx v1.11.3 deploy.yaml): the controller
    # (alpine-based) and the admission Jobs' distroless kube-webhook-certgen
    _Family("registry.k8s.io/ingress-nginx/controller", {"v1.11.3": 105_412_633}, dict(
        userland="busybox", entrypoint=("/usr/bin/dumb-init", "--"), cmd=("/nginx-ingress-controller",),
        ports=(80, 443, 8443, 10254), http_paths=None, app="ingress-nginx",
        server_binaries=frozenset({"/nginx-ingress-controller", "nginx-ingress-controller"}))),
    _Family("registry.k8s.io/ingress-nginx/kube-webhook-certgen", {"v1.4.4": 23_523_460}, dict(
        userland="", entrypoint=("/kube-webhook-certgen",), server=False, runs_for=1.0, http_paths=None,
        app="kube-webhook-certgen", server_binaries=frozenset())),
    _Family("gcr.io/google-samples/hello-app", {"1.0": 11_300_000, "2.0": 11_300_000}, dict(
        userland="", entrypoint=("/hello-app",), ports=(8080,), http_paths=None, app="hello-app",
        server_binaries=frozenset({"/hello-app"}))),
)


_CONTROL_PLANE = {
    "kube-apiserver": (28_050_000, (6443,), frozenset({"/livez", "/readyz", "/healthz"})),
    "kube-controller-manager": (26_260_000, (10257,), frozenset({"/healthz"})),
    "kube-scheduler": (20_660_000, (10259,), frozenset({"/healthz", "/livez", "/readyz"})),
    "kube-proxy": (30_230_000, (10249, 10256), frozenset({"/healthz", "/livez"})),
}


def builtin_images() -> list[Image]:
    out = []
    for fam in _FAMILIES:
        for tag, size in fam.tags.items():
            env = image_env(fam.repository, tag)
            out.append(Image(fam.repository, tag, size, env=env, **fam.behaviour))
            if fam.repository.startswith("registry.k8s.io/"):
                out.append(Image(fam.repository.replace("registry.k8s.io/", "k8s.gcr.io/", 1), tag, size,
                                 env=env, **fam.behaviour))
    for comp, (size, ports, paths) in _CONTROL_PLANE.items():
        for patch in range(0, 5):
            out.append(Image(f"registry.k8s.io/{comp}", f"v1.32.{patch}", size + patch * 4096, ports=ports,
                             http_paths=paths, server_binaries=frozenset({comp, f"/usr/local/bin/{comp}"}),
                             userland="dash" if comp == "kube-proxy" else ""))
    return out


#: Docker's reference grammar for a repository (distribution/reference's regexp.go): an optional
#: domain (with a port), then lowercase path components joined by ``.``, ``_``, ``__`` or dashes
_DOMAIN = (r"(?:localhost|[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?(?:\.[a-zA-Z0-9](?:[a-zA-Z0-9-]*[a-zA-Z0-9])?)+)"
           r"(?::[0-9]+)?")
_COMPONENT = r"[a-z0-9]+(?:(?:[._]|__|-+)[a-z0-9]+)*"
_REPOSITORY = re.compile(rf"(?:{_DOMAIN}/)?{_COMPONENT}(?:/{_COMPONENT})*")


def check_repository(name: str) -> None:
    """ValueError unless ``name`` is a repository as Docker's reference grammar has it (with
    distribution/reference's two refusals: upper case, anything else)."""
    if not _REPOSITORY.fullmatch(name):
        detail = "repository name must be lowercase" if _REPOSITORY.fullmatch(name.lower()) else \
            "invalid reference format"
        raise ValueError(f'name: Invalid value: "{name}": {detail}')


class Registry:
    """A cluster's view of the world's registries: the built-in catalogue plus the user's images."""

    def __init__(self) -> None:
        self._images: dict[tuple[str, str], Image] = {}
        for img in builtin_images():
            self._images[(img.repository, img.tag)] = img

    def add(self, name: str, tag: str = "latest", **behaviour: object) -> Image:
        """Publish an image (or a new tag of an existing one). Behaviour not given is copied from
        another tag of the same repository when there is one, else it is a plain HTTP server on 80.
        ``add("myapp", "v1", size=5_000_000, ports=(8080,), server=True)``."""
        repo, _ = split_ref(normalize(f"{name}:{tag}"))
        base: Image | None = next((img for (r, _t), img in sorted(self._images.items()) if r == repo), None)
        if base is None:
            base = Image(repo, tag, 10 * MB, ports=(80,))
        ports = behaviour.get("ports")
        if isinstance(ports, list):
            behaviour["ports"] = tuple(ports)
        img = replace(base, repository=repo, tag=tag, **behaviour)  # type: ignore[arg-type]
        self._images[(repo, tag)] = img
        return img

    def add_from_manifest(self, doc: dict) -> Image:
        """A user's image from a manifest-like document::

            kind: Image
            name: myorg/hello        # or metadata.name
            tag: v1
            ports: [8080]
            logs: ["listening on :8080"]
            answers:
              /: "Hello!\\n"           # a body (status 200), or
              /healthz: {status: 500, body: "broken"}

        It runs a server on its ports that writes ``logs`` when it starts and answers each path
        as given (404 elsewhere). Raises ValueError with what is wrong."""
        if not isinstance(doc, dict):
            raise ValueError("an Image document must be a mapping")
        name = doc.get("name") or (doc.get("metadata") or {}).get("name")
        if not isinstance(name, str) or not name.strip():
            raise ValueError("name: Required value")
        name = name.strip()
        check_repository(name)
        tag = str(doc.get("tag") or "latest")
        if not re.fullmatch(r"[\w][\w.-]{0,127}", tag):
            raise ValueError(f'tag: Invalid value: "{tag}"')
        ports = doc.get("ports") or [80]
        if not isinstance(ports, list) or not all(isinstance(p, int) and 0 < p < 65536 for p in ports):
            raise ValueError("ports: must be a list of port numbers")
        answers: list[tuple[str, int, str]] = []
        for path, answer in (doc.get("answers") or {"/": f"{name}:{tag}\n"}).items():
            if isinstance(answer, dict):
                answers.append((str(path), int(answer.get("status") or 200), str(answer.get("body") or "")))
            else:
                answers.append((str(path), 200, str(answer)))
        logs = doc.get("logs") or []
        if not isinstance(logs, list):
            raise ValueError("logs: must be a list of lines")
        size = int(doc.get("size") or 10 * MB)
        return self.add(name, tag, size=size, ports=tuple(ports), server=True, handles_sigterm=True,
                        http_paths=frozenset(p for p, st, _ in answers if st < 400), app="custom",
                        answers=tuple(answers), log_lines=tuple(str(x) for x in logs),
                        entrypoint=("/app",), cmd=(), server_binaries=frozenset({"/app"}))

    def knows(self, ref: str) -> bool:
        return self.resolve(ref) is not None

    def missing_note(self, ref: str) -> str:
        """kubeplay's one-line note for an image its registry does not have (describe pod, the page)."""
        repo, _ = split_ref(normalize(ref))
        tags = self.tags(repo)
        known = f"; it has {repo.rsplit('/', 1)[-1]} tags {', '.join(tags[:8])}" if tags else ""
        return (f'kubeplay: the simulated registry has no image "{ref}"{known} — images here are simulated '
                "(nginx, httpd, busybox, redis, mysql, postgres, perl, python, polinux/stress, agnhost, "
                "hello-app, …); add your own with the page's \"Add an image…\" dialog (Add-ons menu) or "
                "POST /api/sandboxes/<id>/images")

    def resolve(self, ref: str) -> Image | None:
        """The image a reference names, or None when the registry has no such repository/tag."""
        repo, tag = split_ref(normalize(ref))
        if tag.startswith("@"):
            return next((img for (r, _t), img in sorted(self._images.items())
                         if r == repo and img.digest == tag[1:]), None)
        return self._images.get((repo, tag))

    def tags(self, name: str) -> list[str]:
        repo, _ = split_ref(normalize(name))
        return sorted(t for (r, t) in self._images if r == repo)

    def pull_error(self, ref: str) -> str:
        """containerd's error for a reference that does not resolve (what ``Failed to pull image``
        quotes), as v1.32 nodes with containerd 1.7 print it."""
        full = normalize(ref)
        repo, _ = split_ref(full)
        if not any(r == repo for (r, _t) in self._images) and not repo.startswith(DEFAULT_REGISTRY + "/"):
            host = repo.split("/", 1)[0]
            return (f'rpc error: code = Unknown desc = failed to pull and unpack image "{full}": failed to resolve '
                    f'reference "{full}": failed to do request: Head "https://{host}/v2/{repo.split("/", 1)[1]}/'
                    f'manifests/{split_ref(full)[1]}": dial tcp: lookup {host}: no such host')
        if not any(r == repo for (r, _t) in self._images):
            # Docker Hub answers 401 for repositories that do not exist (it cannot tell them from private ones)
            return (f'rpc error: code = Unknown desc = failed to pull and unpack image "{full}": failed to resolve '
                    f'reference "{full}": pull access denied, repository does not exist or may require '
                    "authorization: server message: insufficient_scope: authorization failed")
        return (f'rpc error: code = NotFound desc = failed to pull and unpack image "{full}": failed to resolve '
                f'reference "{full}": {full}: not found')

    # -- what a container runs ----------------------------------------------------------------
    def process(self, image: Image, container: dict) -> Process:
        """What the container's main process does, from ``command``/``args`` and the image's
        ENTRYPOINT/CMD (Kubernetes' rules: ``command`` replaces ENTRYPOINT and drops CMD, ``args``
        replaces CMD)."""
        command, args = container.get("command"), container.get("args")
        if command:
            argv = list(command) + list(args or [])
        else:
            argv = list(image.entrypoint) + (list(args) if args is not None else list(image.cmd))
        env = {e.get("name") for e in container.get("env") or []}
        has_env_from = bool(container.get("envFrom"))
        return interpret(image, [str(a) for a in argv], stdin=bool(container.get("stdin")), env=env,
                         env_from=has_env_from)


def _server(image: Image) -> Process:
    return Process(True, FOREVER, 0, image.handles_sigterm, image.sigterm_exit_code, image.ports, image.http_paths)


def interpret(image: Image, argv: list[str], *, stdin: bool = False, env: set | None = None,
              env_from: bool = False) -> Process:
    """A small model of what a command line does: servers run forever, ``sleep N`` takes N
    seconds, shells run their ``-c`` script statement by statement, ``exit N`` ends it."""
    while argv and argv[0] in EXEC_WRAPPERS:
        argv = argv[1:]
    if not argv:
        return _server(image) if image.server else Process(False, 0.0, 0, False)
    if image.server and (tuple(argv) == image.cmd or tuple(argv) == image.entrypoint
                         or argv[0] in image.server_binaries or (not image.cmd and argv[0] in image.entrypoint)):
        if image.requires_env and not env_from and not (set(image.requires_env) & (env or set())):
            # e.g. mysql: "Database is uninitialized and password option is not specified"
            return Process(False, image.runs_for, image.exit_code, True)
        return _server(image)
    if argv[0] in SHELLS or argv[0].rsplit("/", 1)[-1] in ("sh", "bash", "ash"):
        rest = argv[1:]
        while rest and rest[0].startswith("-") and rest[0] != "-c":
            rest = rest[1:]  # -e, -x, -eu ...
        if rest and rest[0] == "-c":
            return _script(image, rest[1] if len(rest) > 1 else "")
        if rest:  # sh script.sh: we cannot see the file; it runs like the image's default
            return _server(image) if image.server else Process(False, 0.0, 0, False)
        # an interactive shell with no terminal reads EOF and exits; with stdin open it waits
        return Process(False, FOREVER if stdin else 0.0, 0, False)
    word = argv[0].rsplit("/", 1)[-1]
    if image.server and word not in QUICK_OK and word not in ("sleep", "tail", "false", "exit"):
        return _server(image)  # the image's own program under another name (a user's image, a flag set)
    return _script(image, shlex.join(argv))


_SEPARATORS = (";", "&&", "||", "&", "|", "\n")


def _statements(script: str) -> list[tuple[str, list[str]]]:
    """Split a script into (separator before it, words) pairs."""
    lex = shlex.shlex(script.replace("\n", " ; "), posix=True, punctuation_chars=";&|")
    lex.whitespace_split = True
    out: list[tuple[str, list[str]]] = []
    sep, words = ";", []
    try:
        tokens = list(lex)
    except ValueError:  # unbalanced quotes: sh would fail to parse
        return [(";", ["exit", "2"])]
    for tok in tokens:
        if tok in _SEPARATORS or set(tok) <= set(";&|"):
            if words:
                out.append((sep, words))
            sep, words = tok, []
        else:
            words.append(tok)
    if words:
        out.append((sep, words))
    return out


def _duration(word: str) -> float:
    if word == "infinity":
        return FOREVER
    m = re.fullmatch(r"(\d+(?:\.\d+)?)([smhd]?)", word)
    if not m:
        return 0.0
    return float(m.group(1)) * {"": 1, "s": 1, "m": 60, "h": 3600, "d": 86400}[m.group(2)]


def _script(image: Image, script: str) -> Process:
    """Run a shell script in the model: time adds up, the last status or ``exit N`` is the result.
    A shell as PID 1 has no SIGTERM handler, so a script only stops at the grace period's end,
    unless it ``exec``s a server that handles SIGTERM itself."""
    t, status = 0.0, 0
    for sep, words in _statements(script):
        if (sep == "&&" and status != 0) or (sep == "||" and status == 0):
            continue
        cmd, args = words[0], words[1:]
        if cmd == "exec" and args:
            proc = interpret(image, args)
            return replace(proc, runs_for=t + proc.runs_for)
        if cmd in ("while", "until", "for") and cmd != "for":
            cond = args[0] if args else ""
            if (cmd == "while" and cond in ("true", ":")) or (cmd == "until" and cond == "false"):
                return Process(False, FOREVER, 0, False)
            continue
        if cmd in ("do", "done", "then", "fi", "if", "else", "for", "{", "}"):
            continue
        if cmd == "exit":
            code = int(args[0]) if args and args[0].lstrip("-").isdigit() else status
            return Process(False, t, code % 256, False)
        if cmd == "sleep":
            d = sum(_duration(a) for a in args) if args else 0.0
            if d == FOREVER:
                return Process(False, FOREVER, 0, False)
            t += d
            status = 0 if args else 1
        elif cmd == "tail" and "-f" in args:
            return Process(False, FOREVER, 0, False)
        elif cmd == "false":
            status = 1
        elif image.server and (cmd in image.server_binaries or tuple(words) == image.cmd):
            return replace(_server(image), handles_sigterm=False)  # behind a shell, SIGTERM hits sh
        elif cmd in QUICK_OK or cmd.rsplit("/", 1)[-1] in QUICK_OK:
            status = 0
        else:
            status = 127  # "sh: foo: not found"
    return Process(False, t, status, False)
