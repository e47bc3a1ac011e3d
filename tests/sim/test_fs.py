"""Container filesystems (sim/fs.py, sim/images_fs.py): copy-on-write image roots, mounts, symlinks
followed as the kernel follows them, read-only mounts, and the strerror texts tools print."""

from __future__ import annotations

import pytest

from server.sim.fs import FileSystem, FsError, Link, Mount, Tree
from server.sim.images_fs import image_tree, userland

NGINX = ("docker.io/library/nginx", "1.27.4")


def fresh(repo: str = NGINX[0], tag: str = NGINX[1]) -> FileSystem:
    return FileSystem(Tree.overlay(image_tree(repo, tag), fstype="overlay", source="overlay"),
                      clock=lambda: 1_741_006_800.0)


def test_each_start_gets_a_fresh_copy_of_the_image():
    a, b = fresh(), fresh()
    a.write("/usr/share/nginx/html/index.html", "<h1>mine</h1>\n")
    a.mkdir("/tmp/x/y", parents=True)
    assert a.read_text("/usr/share/nginx/html/index.html") == "<h1>mine</h1>\n"
    assert "Welcome to nginx!" in b.read_text("/usr/share/nginx/html/index.html")
    assert not b.exists("/tmp/x") and b.listdir("/tmp") == []
    # the shared image tree itself is untouched
    assert "Welcome to nginx!" in fresh().read_text("/usr/share/nginx/html/index.html")


def test_image_layouts():
    bb = fresh("docker.io/library/busybox", "1.36")
    assert bb.listdir("/") == ["bin", "dev", "etc", "home", "lib", "lib64", "proc", "root", "sys", "tmp", "usr",
                               "var"]
    assert bb.isfile("/bin/sh") and bb.isfile("/bin/wget") and bb.stat("/tmp").mode == 0o1777
    assert bb.read_text("/etc/passwd").startswith("root:x:0:0:root:/root:/bin/sh\n")
    assert "lib" not in fresh("docker.io/library/busybox", "1.28").listdir("/")
    old = fresh("docker.io/library/nginx", "1.12")
    assert not old.exists("/docker-entrypoint.d") and "color-scheme" not in old.read_text(
        "/usr/share/nginx/html/index.html")
    new = fresh()
    assert new.listdir("/docker-entrypoint.d") == ["10-listen-on-ipv6-by-default.sh", "15-local-resolvers.envsh",
                                                   "20-envsubst-on-templates.sh", "30-tune-worker-processes.sh"]
    assert "listen  [::]:80;" in new.read_text("/etc/nginx/conf.d/default.conf")
    assert new.readlink("/var/log/nginx/access.log") == "/dev/stdout"
    assert new.realpath("/bin/ls") == "/usr/bin/ls"  # bookworm's merged /usr
    httpd = fresh("docker.io/library/httpd", "2.4")
    assert httpd.read_text("/usr/local/apache2/htdocs/index.html") == "<html><body><h1>It works!</h1></body></html>\n"
    assert (userland("docker.io/library/busybox"), userland("registry.k8s.io/busybox"),
            userland("docker.io/library/nginx"), userland("registry.k8s.io/pause")) == ("busybox", "busybox", "gnu",
                                                                                      "none")


def test_errors_carry_the_strerror():
    fs = fresh()
    with pytest.raises(FsError) as e:
        fs.read("/nope")
    assert (e.value.errno_name, str(e.value)) == ("ENOENT", "No such file or directory")
    with pytest.raises(FsError) as e:
        fs.read("/etc")
    assert str(e.value) == "Is a directory"
    with pytest.raises(FsError) as e:
        fs.write("/etc/passwd/x", "")
    assert str(e.value) == "Not a directory"
    with pytest.raises(FsError) as e:
        fs.mkdir("/tmp")
    assert str(e.value) == "File exists"
    fs.mkdir("/tmp/d")
    fs.write("/tmp/d/f", "x")
    with pytest.raises(FsError) as e:
        fs.remove("/tmp/d")
    assert str(e.value) == "Directory not empty"
    fs.remove("/tmp/d", recursive=True)
    assert not fs.exists("/tmp/d")


def test_mounts_symlinks_and_read_only():
    fs = fresh()
    shared = Tree(fstype="tmpfs", source="tmpfs", size=1 << 20)
    ro = Tree()
    ro.write_file("..2025_03_03_13_00_00.1/key", "value")
    ro.put("..data", Link("..2025_03_03_13_00_00.1"))
    ro.put("key", Link("..data/key"))
    fs.mount(Mount("/cache", shared))
    fs.mount(Mount("/var/run/secrets/app", ro, read_only=True))
    other = fresh()
    other.mount(Mount("/data", shared))
    fs.write("/cache/a", "from one container\n")
    assert other.read_text("/data/a") == "from one container\n"  # one tree, two views
    # the mount point was created under /run: /var/run is a symlink in the Debian image
    assert fs.realpath("/var/run/secrets/app/key") == "/run/secrets/app/..2025_03_03_13_00_00.1/key"
    assert fs.read_text("/var/run/secrets/app/key") == "value"
    assert fs.listdir("/run/secrets/app") == ["..2025_03_03_13_00_00.1", "..data", "key"]
    with pytest.raises(FsError) as e:
        fs.write("/var/run/secrets/app/new", "x")
    assert str(e.value) == "Read-only file system"
    with pytest.raises(FsError) as e:
        fs.rename("/cache/a", "/tmp/a")
    assert e.value.errno_name == "EXDEV"  # mv across devices copies instead
    fs.write("/dev/null", "discarded")
    # stat as each filesystem answers it: tmpfs directories are 20 bytes an entry, overlay ones one link
    assert (fs.stat("/cache").size, fs.stat("/cache").blocks) == (60, 0)
    assert (fs.stat("/etc").size, fs.stat("/etc").nlink) == (4096, 1)
    assert fs.stat("/cache/a").blocks == 8  # one 4K page
    assert {m.path for m in fs.mounts()} == {"/", "/cache", "/run/secrets/app"}
    # a mount point deeper under a directory that is missing too: the symlink is still followed
    token = Tree()
    token.write_file("token", "eyJ")
    fs.mount(Mount("/var/run/secrets/kubernetes.io/serviceaccount", token, read_only=True))
    assert fs.read_text("/var/run/secrets/kubernetes.io/serviceaccount/token") == "eyJ"
    assert fs.mounts()[-1].path == "/run/secrets/kubernetes.io/serviceaccount"


def test_a_symlink_loop_stops():
    fs = fresh()
    fs.symlink("/tmp/b", "/tmp/a")
    fs.symlink("/tmp/a", "/tmp/b")
    with pytest.raises(FsError) as e:
        fs.read("/tmp/a")
    assert e.value.errno_name == "ELOOP"
