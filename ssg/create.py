"""`ssg init` and `ssg new`: create a site folder from the scaffold, and a draft post for today."""

from __future__ import annotations

import json
import logging
import subprocess
from dataclasses import dataclass
from datetime import datetime
from importlib import metadata
from pathlib import Path

from ssg import frontmatter, urls
from ssg.config import CONFIG_NAME, Config
from ssg.errors import SsgError

log = logging.getLogger(__name__)

_SCAFFOLD = Path(__file__).resolve().parent / "scaffold"
DISTRIBUTION = "ssg-archive"


@dataclass(slots=True)
class NewSite:
    """What `ssg init` created, and whether the Pages workflow still needs the user's attention."""

    root: Path
    files: list[Path]
    install_spec_known: bool


def init_site(root: Path) -> NewSite:
    """Create ssg.toml, content/, .gitignore and the GitHub Pages workflow in `root`."""
    if (root / CONFIG_NAME).exists():
        raise SsgError(f"a site already exists here ({CONFIG_NAME} found); nothing was changed", root)
    if (root / "content").exists():
        raise SsgError("this folder already has a content/ folder; nothing was changed, "
                       "choose an empty folder", root)
    if root.exists() and not root.is_dir():
        raise SsgError("exists and is not a folder", root)
    spec, known = ssg_install_spec()
    files = {
        root / CONFIG_NAME: (_SCAFFOLD / "ssg.toml").read_text(encoding="utf-8"),
        root / ".gitignore": (_SCAFFOLD / "gitignore").read_text(encoding="utf-8"),
        root / ".github" / "workflows" / "pages.yml":
            (_SCAFFOLD / "pages.yml").read_text(encoding="utf-8").replace("__SSG_PACKAGE__", spec),
    }
    for path in files:
        if path.exists():
            raise SsgError("already exists; nothing was changed", path)
    (root / "content" / "posts").mkdir(parents=True)
    for path, text in files.items():
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    return NewSite(root=root, files=list(files), install_spec_known=known)


def ssg_install_spec() -> tuple[str, bool]:
    """The pip requirement that installs this ssg in CI, and whether it is known to work.

    An install from Git records its URL and commit (PEP 610); a local checkout is asked for its
    remote. Otherwise the released version is the best guess, and the user is told to check it.
    """
    try:
        distribution = metadata.distribution(DISTRIBUTION)
    except metadata.PackageNotFoundError:
        return DISTRIBUTION, False
    direct = json.loads(distribution.read_text("direct_url.json") or "{}")
    url = direct.get("url", "")
    if "vcs_info" in direct:
        commit = direct["vcs_info"].get("commit_id")
        return f"{DISTRIBUTION} @ git+{url}" + (f"@{commit}" if commit else ""), True
    if url.startswith("file://"):
        remote = _git_remote(Path(url.removeprefix("file://")))
        if remote:
            return f"{DISTRIBUTION} @ git+{remote}", True
        return DISTRIBUTION, False
    return f"{DISTRIBUTION}=={distribution.version}", not url


def _git_remote(checkout: Path) -> str | None:
    try:
        result = subprocess.run(["git", "-C", str(checkout), "remote", "get-url", "origin"],
                                capture_output=True, text=True, timeout=5, check=False)
    except (OSError, subprocess.SubprocessError):
        return None
    remote = result.stdout.strip()
    if result.returncode != 0 or not remote:
        return None
    if remote.startswith("git@"):  # git@github.com:owner/repo.git -> https://github.com/owner/repo.git
        host, _, path = remote.removeprefix("git@").partition(":")
        remote = f"https://{host}/{path}"
    return remote if remote.startswith("https://") else None


def new_post(config: Config, title: str, now: datetime | None = None) -> Path:
    """Write a draft post dated now (in the site's timezone) under content/posts/YYYY/MM/."""
    if not title.strip():
        raise SsgError("the title is empty; give one, like: ssg new \"My first post\"")
    now = (now or datetime.now(config.tzinfo)).replace(microsecond=0)
    slug = urls.slugify(title)
    folder = config.content_dir / "posts" / f"{now:%Y}" / f"{now:%m}"
    path = folder / f"{slug}.md"
    if path.exists():
        raise SsgError("a post with this slug already exists; choose another title or edit it", path)
    meta = {"title": title.strip(), "date": now.isoformat(), "slug": slug, "draft": True}
    folder.mkdir(parents=True, exist_ok=True)
    path.write_text(frontmatter.dump(meta, "\nWrite your post here, in Markdown.\n"), encoding="utf-8")
    return path
