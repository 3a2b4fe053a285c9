"""WeasyPrint imported without the library search: the same libraries, no processes, and
the ordinary import where the fast one fails."""

from __future__ import annotations

import subprocess
import sys

LIBRARIES = (
    "import re\n"
    "maps = open('/proc/self/maps').read()\n"
    "families = 'gobject|pango|pangoft2|harfbuzz|fontconfig'\n"
    "names = set(re.findall(rf'/(lib(?:{families})[^/\\s]*)', maps))\n"
    "print(sorted(names))\n"
)


def run(code: str) -> list[str]:
    done = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True)
    assert done.returncode == 0, done.stderr
    return done.stdout.splitlines()


def test_the_fast_import_opens_the_same_libraries_and_starts_no_process() -> None:
    fast = run(
        "import subprocess\n"
        "started = []\n"
        "original = subprocess.Popen.__init__\n"
        "def spy(self, *a, **k):\n"
        "    started.append(a[0] if a else k.get('args'))\n"
        "    original(self, *a, **k)\n"
        "subprocess.Popen.__init__ = spy\n"
        "from dsreport.render.weasyload import import_weasyprint\n"
        "import_weasyprint()\n"
        "subprocess.Popen.__init__ = original\n"
        "import ctypes.util\n"
        "print(started, ctypes.util.find_library.__module__, ctypes.util.find_library.__name__)\n"
        + LIBRARIES
    )
    plain = run("import weasyprint\n" + LIBRARIES)
    assert fast[0] == "[] ctypes.util find_library"
    assert fast[1:] == plain
    assert "libpango-1.0.so.0" in fast[1]


def test_a_failed_fast_import_is_done_again_the_ordinary_way() -> None:
    out = run(
        "import sys\n"
        "class Fail:\n"
        "    failed = False\n"
        "    def find_spec(self, name, path=None, target=None):\n"
        "        if name == 'weasyprint.text.ffi' and not Fail.failed:\n"
        "            Fail.failed = True\n"
        "            print('cannot load library (installation hint)')\n"
        "            raise OSError('cannot load library')\n"
        "        return None\n"
        "sys.meta_path.insert(0, Fail())\n"
        "from dsreport.render.weasyload import import_weasyprint\n"
        "import_weasyprint()\n"
        "import ctypes.util, weasyprint\n"
        "print(Fail.failed, ctypes.util.find_library.__name__, weasyprint.HTML.__name__)\n"
    )
    assert out == ["True find_library HTML"]
