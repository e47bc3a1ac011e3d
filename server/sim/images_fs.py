"""What each image's filesystem holds, as data: the files a shell inside the container finds.

Owns: ``image_tree(repository, tag) -> Tree`` — one shared, never-changed tree per image (the
volume manager gives each container start a copy-on-write view of it), built from the real
images' layouts: busybox (``/bin`` with its applet links, ``/etc/passwd``/``group``…), alpine,
the Debian-based ones (nginx with ``/usr/share/nginx/html/index.html`` and ``50x.html`` of that
version, ``/etc/nginx/nginx.conf`` and ``conf.d/default.conf``, ``/docker-entrypoint.d/*`` from
1.19 on; httpd's ``/usr/local/apache2/htdocs/index.html``; mysql, redis, wordpress basics),
ubuntu and centos; and ``userland(repository)``: whose tools an image has (``busybox`` applets,
``gnu`` coreutils, or ``none`` for distroless images with no shell at all).

Files the kubelet writes into every container (``/etc/hosts``, ``/etc/hostname``,
``/etc/resolv.conf``, ``/dev/termination-log``) are bind mounts the volume manager adds; they are
not part of the image.

Hands off: the pages nginx/httpd serve come from ``net/apps.py`` (one copy of their text).
"""

from __future__ import annotations

from functools import lru_cache

from .fs import Dir, File, Link, Tree

#: images whose userland is busybox (their ``sh`` is busybox ash)
BUSYBOX_REPOS = frozenset({"docker.io/library/busybox", "docker.io/library/alpine", "docker.io/curlimages/curl",
                           "docker.io/flannel/flannel-cni-plugin"})
#: images with no shell at all (distroless / scratch)
NO_SHELL_REPOS = frozenset({"gcr.io/kuar-demo/kuard-amd64", "registry.k8s.io/pause",
                            "registry.k8s.io/coredns/coredns", "registry.k8s.io/etcd",
                            "registry.k8s.io/kube-apiserver", "registry.k8s.io/kube-controller-manager",
                            "registry.k8s.io/kube-scheduler"})

#: the build instant of an image nothing more is known of (its files' mtime); see ``built_at``
BUILT = 1_700_000_000.0
DAY = 86_400
#: nginx releases -> the day their packages were built (nginx.org's CHANGES; the official image's
#: /usr/share/nginx/html files carry the package's build time: 1.27.4's index.html is
#: ``Last-Modified: Wed, 05 Feb 2025 11:06:32 GMT``, ETag ``"67a34638-267"``)
NGINX_BUILT: dict[str, float] = {
    "1.7.9": 1419292800, "1.9.15": 1461024000, "1.10.3": 1485820800, "1.11.10": 1487030400,
    "1.11.13": 1491264000, "1.12.2": 1508198400, "1.13.12": 1523318400, "1.14.0": 1523923200,
    "1.14.2": 1543881600, "1.15.0": 1528156800, "1.15.12": 1555372800, "1.16.0": 1555977600,
    "1.16.1": 1565654400, "1.17.0": 1558396800, "1.17.10": 1586822400, "1.18.0": 1587427200,
    "1.19.0": 1590451200, "1.19.10": 1618272000, "1.20.0": 1618876800, "1.20.2": 1637020800,
    "1.21.0": 1621900800, "1.21.6": 1643068800, "1.22.0": 1653350400, "1.22.1": 1666137600,
    "1.23.0": 1655769600, "1.23.4": 1679961600, "1.24.0": 1681171200, "1.25.0": 1684800000,
    "1.25.5": 1713225600, "1.26.0": 1713830400, "1.26.3": 1738713600, "1.27.0": 1716940800,
    "1.27.3": 1732579200, "1.27.4": 1738753592,
}


def built_at(repository: str, tag: str) -> float:
    """When ``repository:tag`` was built — the mtime of its files (``ls -l``, nginx's Last-Modified
    and ETag). nginx images: their release's package build (``NGINX_BUILT``; a release without a
    known instant gets its day at a time of day derived from the version); any other image a
    stable instant of its own within the three years before ``BUILT`` (nginx-slim: the day of the
    nginx release it compiles), derived from its name, so
    that two images never show the same dates (the registry does not record build times)."""
    import hashlib

    digest = int.from_bytes(hashlib.sha256(f"{repository}:{tag}".encode()).digest()[:8], "big")
    name = repository.rsplit("/", 1)[-1]
    if name in ("nginx", "nginx-slim"):
        from .net.apps import nginx_version

        version = nginx_version("nginx:" + tag) if name == "nginx" else nginx_slim_version(tag)
        if version in NGINX_BUILT:
            day = NGINX_BUILT[version]
            return day if day % DAY else day + 36_000 + digest % 14_400
    return BUILT - digest % (3 * 365 * DAY)

BUSYBOX_APPLETS = """[ [[ acpid add-shell addgroup adduser adjtimex ar arch arp arping ascii ash awk base32 base64
basename bc beep blkdiscard blkid blockdev bootchartd brctl bunzip2 busybox bzcat bzip2 cal cat chat chattr chgrp
chmod chown chpasswd chpst chroot chrt chvt cksum clear cmp comm conspy cp cpio crc32 crond crontab cryptpw
cttyhack cut date dc dd deallocvt delgroup deluser depmod devmem df dhcprelay diff dirname dmesg dnsd
dnsdomainname dos2unix dpkg dpkg-deb du dumpkmap dumpleases echo ed egrep eject env envdir envuidgid ether-wake
expand expr factor fakeidentd fallocate false fatattr fbset fbsplash fdflush fdformat fdisk fgconsole fgrep find
findfs flock fold free freeramdisk fsck fsck.minix fsfreeze fstrim fsync ftpd ftpget ftpput fuser getfattr getopt
getty grep groups gunzip gzip halt hd hdparm head hexdump hexedit hostid hostname httpd hush hwclock i2cdetect
i2cdump i2cget i2cset i2ctransfer id ifconfig ifdown ifenslave ifplugd ifup inetd init insmod install ionice iostat
ip ipaddr ipcalc ipcrm ipcs iplink ipneigh iproute iprule iptunnel kbd_mode kill killall killall5 klogd last less
link linux32 linux64 linuxrc ln loadfont loadkmap logger login logname logread losetup lpd lpq lpr ls lsattr lsmod
lsof lspci lsscsi lsusb lzcat lzma lzop makedevs makemime man md5sum mdev mesg microcom mim mkdir mkdosfs mke2fs
mkfifo mkfs.ext2 mkfs.minix mkfs.vfat mknod mkpasswd mkswap mktemp modinfo modprobe more mount mountpoint mpstat mt
mv nameif nanddump nandwrite nbd-client nc netstat nice nl nmeter nohup nologin nproc nsenter nslookup ntpd nuke od
openvt partprobe passwd paste patch pgrep pidof ping ping6 pipe_progress pivot_root pkill pmap popmaildir poweroff
powertop printenv printf ps pscan pstree pwd pwdx raidautorun rdate rdev readahead readlink readprofile realpath
reboot reformime remove-shell renice reset resize resume rev rm rmdir rmmod route rpm rpm2cpio rtcwake run-init
run-parts runlevel runsv runsvdir rx script scriptreplay sed seedrng sendmail seq setarch setconsole setfattr
setfont setkeycodes setlogcons setpriv setserial setsid setuidgid sh sha1sum sha256sum sha3sum sha512sum showkey
shred shuf slattach sleep smemcap softlimit sort split ssl_client start-stop-daemon stat strings stty su sulogin sum
sv svc svlogd svok swapoff swapon switch_root sync sysctl syslogd tac tail tar taskset tc tcpsvd tee telnet telnetd
test tftp tftpd time timeout top touch tr traceroute traceroute6 tree true truncate ts tsort tty ttysize tunctl
ubiattach ubidetach ubimkvol ubirename ubirmvol ubirsvol ubiupdatevol udhcpc udhcpc6 udhcpd udpsvd uevent umount
uname unexpand uniq unix2dos unlink unlzma unshare unxz unzip uptime users usleep uudecode uuencode vconfig vi vlock
volname w wall watch watchdog wc wget which who whoami whois xargs xxd xz xzcat yes zcat zcip""".split()

BUSYBOX_PASSWD = """root:x:0:0:root:/root:/bin/sh
daemon:x:1:1:daemon:/usr/sbin:/bin/false
bin:x:2:2:bin:/bin:/bin/false
sys:x:3:3:sys:/dev:/bin/false
sync:x:4:100:sync:/bin:/bin/sync
mail:x:8:8:mail:/var/spool/mail:/bin/false
www-data:x:33:33:www-data:/var/www:/bin/false
operator:x:37:37:Operator:/var:/bin/false
nobody:x:65534:65534:nobody:/home:/bin/false
"""
BUSYBOX_GROUP = """root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
kmem:x:9:
wheel:x:10:root
cdrom:x:11:
dialout:x:18:
floppy:x:19:
video:x:28:
audio:x:29:
tape:x:32:
www-data:x:33:
operator:x:37:
utmp:x:43:
plugdev:x:46:
staff:x:50:
lock:x:54:
netdev:x:82:
users:x:100:
nogroup:x:65534:
"""
DEBIAN_PASSWD = """root:x:0:0:root:/root:/bin/bash
daemon:x:1:1:daemon:/usr/sbin:/usr/sbin/nologin
bin:x:2:2:bin:/bin:/usr/sbin/nologin
sys:x:3:3:sys:/dev:/usr/sbin/nologin
sync:x:4:65534:sync:/bin:/bin/sync
games:x:5:60:games:/usr/games:/usr/sbin/nologin
man:x:6:12:man:/var/cache/man:/usr/sbin/nologin
lp:x:7:7:lp:/var/spool/lpd:/usr/sbin/nologin
mail:x:8:8:mail:/var/mail:/usr/sbin/nologin
news:x:9:9:news:/var/spool/news:/usr/sbin/nologin
uucp:x:10:10:uucp:/var/spool/uucp:/usr/sbin/nologin
proxy:x:13:13:proxy:/bin:/usr/sbin/nologin
www-data:x:33:33:www-data:/var/www:/usr/sbin/nologin
backup:x:34:34:backup:/var/backups:/usr/sbin/nologin
list:x:38:38:Mailing List Manager:/var/list:/usr/sbin/nologin
irc:x:39:39:ircd:/run/ircd:/usr/sbin/nologin
_apt:x:42:65534::/nonexistent:/usr/sbin/nologin
nobody:x:65534:65534:nobody:/nonexistent:/usr/sbin/nologin
"""
DEBIAN_GROUP = """root:x:0:
daemon:x:1:
bin:x:2:
sys:x:3:
adm:x:4:
tty:x:5:
disk:x:6:
lp:x:7:
mail:x:8:
news:x:9:
uucp:x:10:
man:x:12:
proxy:x:13:
kmem:x:15:
dialout:x:20:
fax:x:21:
voice:x:22:
cdrom:x:24:
floppy:x:25:
tape:x:26:
sudo:x:27:
audio:x:29:
dip:x:30:
www-data:x:33:
backup:x:34:
operator:x:37:
list:x:38:
irc:x:39:
src:x:40:
shadow:x:42:
utmp:x:43:
video:x:44:
sasl:x:45:
plugdev:x:46:
staff:x:50:
games:x:60:
users:x:100:
nogroup:x:65534:
"""

NGINX_50X_OLD = """<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
    body {
        width: 35em;
        margin: 0 auto;
        font-family: Tahoma, Verdana, Arial, sans-serif;
    }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
"""
NGINX_50X = """<!DOCTYPE html>
<html>
<head>
<title>Error</title>
<style>
html { color-scheme: light dark; }
body { width: 35em; margin: 0 auto;
font-family: Tahoma, Verdana, Arial, sans-serif; }
</style>
</head>
<body>
<h1>An error occurred.</h1>
<p>Sorry, the page you are looking for is currently unavailable.<br/>
Please try again later.</p>
<p>If you are the system administrator of this resource then you should check
the error log for details.</p>
<p><em>Faithfully yours, nginx.</em></p>
</body>
</html>
"""
NGINX_CONF = """
user  nginx;
worker_processes  {workers};

error_log  /var/log/nginx/error.log {level};
pid        /var/run/nginx.pid;


events {{
    worker_connections  1024;
}}


http {{
    include       /etc/nginx/mime.types;
    default_type  application/octet-stream;

    log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
                      '$status $body_bytes_sent "$http_referer" '
                      '"$http_user_agent" "$http_x_forwarded_for"';

    access_log  /var/log/nginx/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    keepalive_timeout  65;

    #gzip  on;

    include /etc/nginx/conf.d/*.conf;
}}
"""
NGINX_DEFAULT_CONF = """server {{
    listen       80;
{ipv6}    server_name  localhost;

    #access_log  /var/log/nginx/host.access.log  main;

    location / {{
        root   /usr/share/nginx/html;
        index  index.html index.htm;
    }}

    #error_page  404              /404.html;

    # redirect server error pages to the static page /50x.html
    #
    error_page   500 502 503 504  /50x.html;
    location = /50x.html {{
        root   /usr/share/nginx/html;
    }}

    # proxy the PHP scripts to Apache listening on 127.0.0.1:80
    #
    #location ~ \\.php$ {{
    #    proxy_pass   http://127.0.0.1;
    #}}

    # pass the PHP scripts to FastCGI server listening on 127.0.0.1:9000
    #
    #location ~ \\.php$ {{
    #    root           html;
    #    fastcgi_pass   127.0.0.1:9000;
    #    fastcgi_index  index.php;
    #    fastcgi_param  SCRIPT_FILENAME  /scripts$fastcgi_script_name;
    #    include        fastcgi_params;
    #}}

    # deny access to .htaccess files, if Apache's document root
    # concurs with nginx's one
    #
    #location ~ /\\.ht {{
    #    deny  all;
    #}}
}}

"""
NGINX_ENTRYPOINT_D = ("10-listen-on-ipv6-by-default.sh", "15-local-resolvers.envsh",
                      "20-envsubst-on-templates.sh", "30-tune-worker-processes.sh")

GNU_BIN = """bash cat chgrp chmod chown cp dash date dd df dir dmesg echo egrep false fgrep findmnt grep gunzip gzip
hostname kill ln login ls lsblk mkdir mknod mktemp more mount mountpoint mv pidof ps pwd readlink rm rmdir run-parts
sed sh sleep stty su sync tar tempfile touch true umount uname uncompress vdir wdctl zcat""".split()
GNU_USR_BIN = """[ awk base64 basename cksum comm cut dirname du env expr find head id install join md5sum nice nl
nohup od paste printenv printf realpath seq sha1sum sha256sum shuf sort split stat tac tail tee test timeout tr
truncate tty uniq wc whoami xargs yes""".split()


#: the build instant of the image being assembled (``image_tree`` sets it around its builders)
_building: list[float] = [BUILT]


def _tree(files: dict[str, str | bytes | tuple[str, int]], links: dict[str, str], dirs: dict[str, int]) -> Tree:
    built = _building[-1]
    t = Tree()
    for path, mode in dirs.items():
        parts = [p for p in path.split("/") if p]
        d = t.makedirs(parts, now=built)
        d.mode = mode
    for path, content in files.items():
        mode = 0o644
        if isinstance(content, tuple):
            content, mode = content
        t.put(path, File(content.encode() if isinstance(content, str) else content, mode, built), now=built)
    for path, target in links.items():
        t.put(path, Link(target, built), now=built)
    _freeze(t.root, built)
    return t


def _freeze(d: Dir, built: float) -> None:
    """No tree owns an image's directories: every container's view copies what it changes."""
    d.owner = None
    d.mtime = built
    for e in d.entries.values():
        if isinstance(e, Dir):
            _freeze(e, built)


_COMMON_DIRS = {"/dev": 0o755, "/proc": 0o555, "/sys": 0o555, "/tmp": 0o1777, "/root": 0o700, "/home": 0o755,
                "/var": 0o755, "/usr": 0o755, "/etc": 0o755}


def _busybox(version: str) -> Tree:
    dirs = dict(_COMMON_DIRS, **{"/bin": 0o755, "/usr/sbin": 0o755, "/var/spool/mail": 0o755, "/var/www": 0o755})
    if not version.startswith("1.28"):  # the glibc builds since 1.35 ship their libraries
        dirs.update({"/lib": 0o755, "/lib64": 0o755})
    files: dict[str, str | bytes | tuple[str, int]] = {
        "/etc/passwd": BUSYBOX_PASSWD, "/etc/group": BUSYBOX_GROUP,
        "/etc/shadow": ("root:*:19000:0:99999:7:::\n", 0o600), "/etc/network/if-up.d/.keep": "",
        "/bin/busybox": (b"\x7fELF busybox " + version.encode(), 0o755),
    }
    links = {"/etc/mtab": "/proc/mounts", "/etc/localtime": "/usr/share/zoneinfo/UTC"}
    t = _tree(files, links, dirs)
    return _with_applets(t, "/bin", BUSYBOX_APPLETS, "busybox")


def _with_applets(t: Tree, where: str, names: list[str], target: str) -> Tree:
    """The applets as hard links of one binary: regular files sharing its content."""
    parts = [p for p in where.split("/") if p]
    d = t.node(parts)
    assert isinstance(d, Dir)
    binary = d.entries.get(target)
    data = binary.data if isinstance(binary, File) else b"\x7fELF"
    for n in names:
        d.entries.setdefault(n, File(data, 0o755, _building[-1]))
    return t


def _alpine(version: str) -> Tree:
    dirs = dict(_COMMON_DIRS, **{"/bin": 0o755, "/sbin": 0o755, "/lib": 0o755, "/media": 0o755, "/mnt": 0o755,
                                 "/opt": 0o755, "/run": 0o755, "/srv": 0o755, "/usr/bin": 0o755,
                                 "/usr/local/bin": 0o755, "/var/cache": 0o755, "/var/log": 0o755})
    passwd = BUSYBOX_PASSWD.replace("/bin/false", "/sbin/nologin").replace("root:/bin/sh", "root:/bin/sh")
    files = {"/etc/passwd": passwd, "/etc/group": BUSYBOX_GROUP, "/etc/alpine-release": version + "\n",
             "/etc/os-release": f'NAME="Alpine Linux"\nID=alpine\nVERSION_ID={version}\n'
                                f'PRETTY_NAME="Alpine Linux v{version.rsplit(".", 1)[0]}"\n'
                                'HOME_URL="https://alpinelinux.org/"\nBUG_REPORT_URL="https://gitlab.alpinelinux.org/'
                                'alpine/aports/-/issues"\n',
             "/bin/busybox": (b"\x7fELF busybox", 0o755)}
    t = _tree(files, {}, dirs)  # type: ignore[arg-type]
    return _with_applets(t, "/bin", BUSYBOX_APPLETS, "busybox")


def _debian(codename: str, version: str, *, merged_usr: bool, extra_dirs: dict[str, int] | None = None,
            files: dict | None = None, links: dict | None = None, pretty: str = "", os_release: str = "",
            debian: bool = True) -> Tree:
    dirs = dict(_COMMON_DIRS, **{"/boot": 0o755, "/media": 0o755, "/mnt": 0o755, "/opt": 0o755, "/run": 0o755,
                                 "/srv": 0o755, "/usr/bin": 0o755, "/usr/sbin": 0o755, "/usr/lib": 0o755,
                                 "/usr/local/bin": 0o755, "/usr/share": 0o755, "/var/log": 0o755,
                                 "/var/lib": 0o755, "/var/cache": 0o755, "/var/tmp": 0o1777}, **(extra_dirs or {}))
    all_links = {"/var/run": "/run", "/var/lock": "/run/lock"}
    if merged_usr:
        all_links.update({"/bin": "usr/bin", "/sbin": "usr/sbin", "/lib": "usr/lib", "/lib64": "usr/lib64"})
        dirs["/usr/lib64"] = 0o755
        bin_dir = "/usr/bin"
    else:
        dirs.update({"/bin": 0o755, "/sbin": 0o755, "/lib": 0o755, "/lib64": 0o755})
        bin_dir = "/bin"
    all_links.update(links or {})
    major = version.split(".")[0]
    pretty = pretty or f"Debian GNU/Linux {major} ({codename})"
    all_files = {"/etc/passwd": DEBIAN_PASSWD, "/etc/group": DEBIAN_GROUP, "/etc/debian_version": version + "\n",
                 "/etc/os-release": os_release or
                 f'PRETTY_NAME="{pretty}"\nNAME="Debian GNU/Linux"\nVERSION_ID="{major}"\n'
                 f'VERSION="{major} ({codename})"\nVERSION_CODENAME={codename}\n'
                 'ID=debian\nHOME_URL="https://www.debian.org/"\n',
                 "/root/.bashrc": "# ~/.bashrc: executed by bash(1) for non-login shells.\n",
                 "/root/.profile": "# ~/.profile: executed by Bourne-compatible login shells.\n"}
    if not debian:  # a GNU userland of another family (Oracle Linux): no /etc/debian_version
        del all_files["/etc/debian_version"]
    all_files.update(files or {})
    t = _tree(all_files, all_links, dirs)
    _with_applets(t, bin_dir, GNU_BIN, "")
    _with_applets(t, "/usr/bin", GNU_USR_BIN, "")
    return t


def _nginx(tag: str) -> Tree:
    from .net.apps import NGINX_INDEX, NGINX_INDEX_OLD, nginx_version

    version = nginx_version("nginx:" + tag)
    v = tuple(int(x) for x in version.split("."))
    new_page = v >= (1, 21, 1)
    files: dict[str, object] = {
        "/usr/share/nginx/html/index.html": NGINX_INDEX if new_page else NGINX_INDEX_OLD,
        "/usr/share/nginx/html/50x.html": NGINX_50X if new_page else NGINX_50X_OLD,
        "/etc/nginx/nginx.conf": NGINX_CONF.format(workers="auto" if v >= (1, 17, 0) else "1",
                                                   level="notice" if v >= (1, 19, 5) else "warn"),
        "/etc/nginx/conf.d/default.conf": NGINX_DEFAULT_CONF.format(ipv6="    listen  [::]:80;\n"
                                                                    if v >= (1, 19, 0) else ""),
        "/etc/nginx/mime.types": "\ntypes {\n    text/html                                        html htm shtml;\n"
                                 "    text/css                                         css;\n}\n",
        "/etc/nginx/fastcgi_params": "\nfastcgi_param  QUERY_STRING       $query_string;\n",
        "/usr/sbin/nginx": (b"\x7fELF nginx " + version.encode(), 0o755),
    }
    links = {"/var/log/nginx/access.log": "/dev/stdout", "/var/log/nginx/error.log": "/dev/stderr"}
    dirs = {"/etc/nginx/conf.d": 0o755, "/var/cache/nginx": 0o755, "/var/log/nginx": 0o755}
    if v >= (1, 19, 0):
        files["/docker-entrypoint.sh"] = ("#!/bin/sh\n# vim:sw=4:ts=4:et\n\nset -e\n", 0o775)
        for name in NGINX_ENTRYPOINT_D:
            if name.endswith(".envsh") and v < (1, 25, 3):
                continue
            files["/docker-entrypoint.d/" + name] = ("#!/bin/sh\n", 0o775)
    codename, deb = ("bookworm", "12.9") if v >= (1, 25, 0) else ("bullseye", "11.6") if v >= (1, 21, 0) else \
        ("buster", "10.13") if v >= (1, 17, 0) else ("stretch", "9.13")
    files["/etc/passwd"] = DEBIAN_PASSWD + "nginx:x:101:101:nginx user:/nonexistent:/bin/false\n"
    files["/etc/group"] = DEBIAN_GROUP + "nginx:x:101:\n"
    t = _debian(codename, deb, merged_usr=codename == "bookworm", extra_dirs=dirs, files=files, links=links)
    _with_applets(t, "/usr/bin", ["curl"], "curl")
    return t


def _httpd(tag: str) -> Tree:
    from .net.apps import HTTPD_INDEX

    root = "/usr/local/apache2"
    files = {f"{root}/htdocs/index.html": HTTPD_INDEX,
             f"{root}/conf/httpd.conf": "ServerRoot \"/usr/local/apache2\"\n\nListen 80\n",
             f"{root}/bin/httpd": (b"\x7fELF httpd", 0o755),
             "/usr/local/bin/httpd-foreground": ("#!/bin/sh\nset -e\n\nrm -f /usr/local/apache2/logs/httpd.pid\n\n"
                                                 "exec httpd -DFOREGROUND \"$@\"\n", 0o755)}
    dirs = {f"{root}/{d}": 0o755 for d in ("bin", "build", "cgi-bin", "conf", "error", "htdocs", "icons",
                                           "include", "logs", "modules")}
    return _debian("bookworm", "12.9", merged_usr=True, extra_dirs=dirs, files=files)


#: Ubuntu releases: tag -> (codename, point release, its name, the Debian it is based on)
UBUNTU = {"16.04": ("xenial", "16.04.7", "Xenial Xerus", "stretch/sid"),
          "18.04": ("bionic", "18.04.6", "Bionic Beaver", "buster/sid"),
          "20.04": ("focal", "20.04.6", "Focal Fossa", "bullseye/sid"),
          "22.04": ("jammy", "22.04.5", "Jammy Jellyfish", "bookworm/sid"),
          "24.04": ("noble", "24.04.1", "Noble Numbat", "trixie/sid")}


def _ubuntu_release(tag: str) -> tuple[str, str, dict[str, str]]:
    """(codename, /etc/debian_version, files) of an Ubuntu base: /etc/os-release and lsb-release as
    that release ships them."""
    codename, point, name, debian = UBUNTU.get(tag, UBUNTU["24.04"])
    pretty = f"Ubuntu {point} LTS"
    major = point[:5]
    old = major < "18.04"  # xenial's os-release has no PRIVACY_POLICY_URL and http:// links
    scheme = "http://" if old else "https://"
    osr = (f'NAME="Ubuntu"\nVERSION="{point} LTS ({name})"\nID=ubuntu\nID_LIKE=debian\nPRETTY_NAME="{pretty}"\n'
           f'VERSION_ID="{major}"\nHOME_URL="{scheme}www.ubuntu.com/"\nSUPPORT_URL="{scheme}help.ubuntu.com/"\n'
           f'BUG_REPORT_URL="{scheme}bugs.launchpad.net/ubuntu/"\n'
           + ("" if old else 'PRIVACY_POLICY_URL="https://www.ubuntu.com/legal/terms-and-policies/privacy-policy"\n')
           + f"VERSION_CODENAME={codename}\nUBUNTU_CODENAME={codename}\n")
    files = {"/etc/os-release": osr,
             "/etc/lsb-release": f"DISTRIB_ID=Ubuntu\nDISTRIB_RELEASE={major}\n"
                                 f"DISTRIB_CODENAME={codename}\nDISTRIB_DESCRIPTION=\"{pretty}\"\n"}
    return codename, debian, files


def _ubuntu(tag: str) -> Tree:
    codename, debian, files = _ubuntu_release(tag)
    return _debian(codename, debian, merged_usr=tag >= "20.04", files=files, os_release=files["/etc/os-release"])


#: nginx's own default configuration (conf/nginx.conf of its source tree), which ``make install``
#: puts in place for an image built from source with ``--prefix=/usr/share/nginx`` (nginx-slim)
NGINX_SOURCE_CONF = """
#user  nobody;
worker_processes  1;

#error_log  logs/error.log;
#error_log  logs/error.log  notice;
#error_log  logs/error.log  info;

#pid        logs/nginx.pid;


events {
    worker_connections  1024;
}


http {
    include       mime.types;
    default_type  application/octet-stream;

    #log_format  main  '$remote_addr - $remote_user [$time_local] "$request" '
    #                  '$status $body_bytes_sent "$http_referer" '
    #                  '"$http_user_agent" "$http_x_forwarded_for"';

    #access_log  logs/access.log  main;

    sendfile        on;
    #tcp_nopush     on;

    #keepalive_timeout  0;
    keepalive_timeout  65;

    #gzip  on;

    server {
        listen       80;
        server_name  localhost;

        #charset koi8-r;

        #access_log  logs/host.access.log  main;

        location / {
            root   html;
            index  index.html index.htm;
        }

        #error_page  404              /404.html;

        # redirect server error pages to the static page /50x.html
        #
        error_page   500 502 503 504  /50x.html;
        location = /50x.html {
            root   html;
        }
    }
}
"""


def nginx_slim_version(tag: str) -> str:
    """The nginx release an nginx-slim tag compiles (its build.sh's NGINX_VERSION)."""
    return "1.9.15" if tag == "0.8" else "1.11.10"


def _nginx_slim(tag: str) -> Tree:
    """registry.k8s.io/nginx-slim (kubernetes/contrib, later kubernetes/ingress ``images/nginx-slim``):
    nginx built from source on ubuntu-slim (Ubuntu 16.04) by its build.sh — ``--prefix=/usr/share/nginx``
    so ``make install`` leaves the source tree's html/index.html and 50x.html (the pages of before
    1.21.1) in /usr/share/nginx/html, the binary moved to /usr/sbin, the logs linked to the
    container's stdout/stderr; the StatefulSet tutorial mounts its claim over that directory."""
    from .net.apps import NGINX_INDEX_OLD

    version = nginx_slim_version(tag)
    codename, debian, files = _ubuntu_release("16.04")
    files.update({
        "/usr/share/nginx/html/index.html": NGINX_INDEX_OLD,
        "/usr/share/nginx/html/50x.html": NGINX_50X_OLD,
        "/etc/nginx/nginx.conf": NGINX_SOURCE_CONF,
        "/etc/nginx/mime.types": "\ntypes {\n    text/html                             html htm shtml;\n}\n",
        "/etc/nginx/fastcgi_params": "\nfastcgi_param  QUERY_STRING       $query_string;\n",
        "/usr/sbin/nginx": (b"\x7fELF nginx " + version.encode(), 0o755),
    })
    links = {"/var/log/nginx/access.log": "/dev/stdout", "/var/log/nginx/error.log": "/dev/stderr"}
    dirs = {"/etc/nginx": 0o755, "/var/log/nginx": 0o755, "/var/lib/nginx/body": 0o700}
    t = _debian(codename, debian, merged_usr=False, extra_dirs=dirs, files=files, links=links,
                os_release=files["/etc/os-release"])
    _with_applets(t, "/usr/bin", ["curl", "openssl"], "curl")
    return t


#: Debian jessie's /etc/os-release (base-files 8+deb8u11)
JESSIE_OS_RELEASE = """PRETTY_NAME="Debian GNU/Linux 8 (jessie)"
NAME="Debian GNU/Linux"
VERSION_ID="8"
VERSION="8 (jessie)"
ID=debian
HOME_URL="http://www.debian.org/"
SUPPORT_URL="http://www.debian.org/support"
BUG_REPORT_URL="https://bugs.debian.org/"
"""


def _jessie_dnsutils(tag: str) -> Tree:
    """registry.k8s.io/e2e-test-images/jessie-dnsutils: Debian jessie (8.11, the last point release)
    with BIND's dnsutils (nslookup, dig, host) — the Debugging DNS Resolution tutorial's pod."""
    t = _debian("jessie", "8.11", merged_usr=False, os_release=JESSIE_OS_RELEASE)
    _with_applets(t, "/usr/bin", ["nslookup", "dig", "host", "nsupdate"], "")
    return t


def _centos(tag: str) -> Tree:
    release = "CentOS Linux release 7.9.2009 (Core)\n" if tag.startswith(("7", "centos7")) else \
        "CentOS Linux release 8.4.2105\n"
    files = {"/etc/centos-release": release, "/etc/redhat-release": release}
    return _debian("", "", merged_usr=True, files=files, pretty=release.strip())


#: the Debian release under the Debian-based mysql images (their Dockerfile's FROM, at the tag's
#: last build): 5.6 on stretch, 5.7 (until 5.7.33) on buster — mysql:5.7.30's last build, June 2020,
#: has buster's 10.4
_MYSQL_DEBIAN = {"debian9": ("stretch", "9.13"), "debian10": ("buster", "10.4")}


def _mysql(tag: str) -> Tree:
    """The mysql image: the Debian-based 5.6/5.7 ones (``/etc/mysql/conf.d/docker.cnf`` is the
    Dockerfile's ``skip-host-cache``/``skip-name-resolve``), and the Oracle Linux ones (``oraclelinux:7-slim``
    under the last 5.7s, ``9-slim`` from 8.0 on: ``/etc/os-release``, ``/etc/oracle-release``, no
    ``/etc/debian_version``; their ``/etc/my.cnf`` is not modelled)."""
    from .mysql import build_of, version_of

    dirs = {"/var/lib/mysql": 0o755, "/var/run/mysqld": 0o777, "/etc/mysql/conf.d": 0o755,
            "/docker-entrypoint-initdb.d": 0o755}
    cnf = "[mysqld]\nskip-host-cache\nskip-name-resolve\n"
    build = build_of(version_of(tag))
    for suffix, (codename, release) in _MYSQL_DEBIAN.items():
        if build.endswith(suffix):
            return _debian(codename, release, merged_usr=False, extra_dirs=dirs,
                           files={"/etc/mysql/conf.d/docker.cnf": cnf,
                                  "/usr/local/bin/docker-entrypoint.sh": ("#!/bin/bash\nset -eo pipefail\n", 0o775)},
                           links={"/entrypoint.sh": "usr/local/bin/docker-entrypoint.sh"})
    el = "7.9" if build.endswith(".el7") else "9.5"
    major, minor = el.split(".")
    os_release = (f'NAME="Oracle Linux Server"\nVERSION="{el}"\nID="ol"\nID_LIKE="fedora"\nVARIANT="Server"\n'
                  f'VARIANT_ID="server"\nVERSION_ID="{el}"\n' + (f'PLATFORM_ID="platform:el{major}"\n' if major == "9" else "")
                  + f'PRETTY_NAME="Oracle Linux Server {el}"\nANSI_COLOR="0;31"\n'
                  f'CPE_NAME="cpe:/o:oracle:linux:{major}:{minor}:server"\nHOME_URL="https://linux.oracle.com/"\n'
                  'BUG_REPORT_URL="https://github.com/oracle/oracle-linux"\n\n'
                  f'ORACLE_BUGZILLA_PRODUCT="Oracle Linux {major}"\nORACLE_BUGZILLA_PRODUCT_VERSION={el}\n'
                  f'ORACLE_SUPPORT_PRODUCT="Oracle Linux"\nORACLE_SUPPORT_PRODUCT_VERSION={el}\n')
    release = f"Oracle Linux Server release {el}\n"
    return _debian("", "", merged_usr=True, extra_dirs=dirs, os_release=os_release, debian=False,
                   files={"/etc/oracle-release": release, "/etc/redhat-release": release,
                          "/etc/system-release": release})


def _app(kind: str) -> Tree:
    if kind == "redis":
        return _debian("bookworm", "12.9", merged_usr=True, extra_dirs={"/data": 0o755},
                       files={"/usr/local/bin/redis-server": (b"\x7fELF redis", 0o755)})
    if kind == "wordpress":
        return _debian("bookworm", "12.9", merged_usr=True, extra_dirs={"/var/www/html": 0o755},
                       files={"/var/www/html/index.php": "<?php\n/**\n * Front to the WordPress application.\n */\n"
                                                         "define( 'WP_USE_THEMES', true );\nrequire __DIR__ . "
                                                         "'/wp-blog-header.php';\n",
                              "/var/www/html/wp-config-docker.php": "<?php\n"})
    return _debian("bookworm", "12.9", merged_usr=True)


def userland(repository: str) -> str:
    """``busybox``, ``gnu`` or ``none`` (no shell, no tools)."""
    if repository in NO_SHELL_REPOS:
        return "none"
    if repository in BUSYBOX_REPOS or repository.rsplit("/", 1)[-1] in ("busybox", "alpine"):
        return "busybox"  # registry.k8s.io/busybox, gcr.io/google-containers/busybox … too
    return "gnu"


@lru_cache(maxsize=256)
def image_tree(repository: str, tag: str, land: str | None = None) -> Tree:
    """The (shared, unchanging) files of ``repository:tag``; ``land`` is the registry's word for its
    userland when it has one (``Image.userland``: ``busybox``, ``dash``, or ``""`` for distroless).
    Its files' mtimes are the image's build instant (``built_at``)."""
    _building.append(built_at(repository, tag))
    try:
        return _image_tree(repository, tag, land)
    finally:
        _building.pop()


def _image_tree(repository: str, tag: str, land: str | None) -> Tree:
    name = repository.rsplit("/", 1)[-1]
    if land == "busybox" and name not in ("alpine", "curl") and not tag.endswith("alpine"):
        return _busybox("1.28.4" if tag.startswith("1.28") else "1.36.1")
    if land == "" or repository in NO_SHELL_REPOS:
        return _tree({"/etc/passwd": "root:x:0:0:root:/root:/sbin/nologin\nnobody:x:65534:65534:nobody:"
                                     "/nonexistent:/sbin/nologin\n"}, {},
                     {"/dev": 0o755, "/proc": 0o555, "/sys": 0o555, "/etc": 0o755, "/tmp": 0o1777})
    if name == "busybox":
        return _busybox("1.28.4" if tag.startswith("1.28") else "1.36.1")
    if name in ("alpine", "curl") or tag.endswith("alpine") or userland(repository) == "busybox":
        return _alpine(tag if tag[:1].isdigit() else "3.21.2")
    if name == "nginx":
        return _nginx(tag)
    if name == "nginx-slim":
        return _nginx_slim(tag)
    if name == "jessie-dnsutils":
        return _jessie_dnsutils(tag)
    if name == "httpd":
        return _httpd(tag)
    if name == "ubuntu":
        return _ubuntu(tag)
    if name == "centos":
        return _centos(tag)
    if name == "mysql":
        return _mysql(tag)
    return _app(name)
