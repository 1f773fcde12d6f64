"""``keras.utils.get_file``: a file from a URL, kept in Keras's cache folder and checked by its hash.

The cache is Keras's own: ``$KERAS_HOME`` (or ``~/.keras``), then ``cache_subdir`` (``datasets``),
with Keras's names for archives and their extracted folders, so a file that Keras downloaded is
used as it is, and one that glassnet downloads is used by Keras.

A download goes to a temporary file beside its destination and is renamed into place only once
its hash matches: the cache never holds half a file. Offline, the error names the file, the URL
and the exact path to place it at.
"""
import hashlib
import os
import shutil
import tempfile
import urllib.parse
import warnings

# urllib.request, tarfile and zipfile are imported where they are used: together they took 16 ms of
# `import glassnet`, for a function most programs never call.

HASH_NAMES = {"sha256": "SHA-256", "md5": "MD5"}


def get_file(fname=None, origin=None, untar=False, md5_hash=None, file_hash=None, cache_subdir="datasets",
             hash_algorithm="auto", extract=False, archive_format="auto", cache_dir=None, force_download=False):
    """Download a file from a URL unless it is already in the cache, and return its path.

    The file ``example.txt`` lands at ``~/.keras/datasets/example.txt`` (``$KERAS_HOME`` replaces
    ``~/.keras``). With ``extract=True`` the archive is kept beside the folder it is extracted to,
    under Keras's names: ``fname="photos"`` gives ``photos_archive`` and ``photos/``;
    ``fname="photos.tgz"`` gives ``photos.tgz`` and ``photos_extracted/``.

    Args:
        fname: the local file name (no folders: use ``cache_dir``); None takes it from ``origin``.
        origin: the URL of the file.
        untar: deprecated, as ``extract=True`` for a tar archive.
        md5_hash: deprecated, as ``file_hash`` with ``hash_algorithm="md5"``.
        file_hash: the expected SHA-256 or MD5 of the file (hex). A file in the cache is checked
            before it is used, and a download before it enters the cache.
        cache_subdir: the folder under ``cache_dir`` (an absolute path is used as it is).
        hash_algorithm: ``"sha256"``, ``"md5"`` or ``"auto"`` (SHA-256 for a 64-digit hash).
        extract: whether to extract the archive (tar, tar.gz, tar.bz2 or zip) after it is fetched.
        archive_format: ``"auto"`` (tar, then zip), ``"tar"``, ``"zip"``, a list of those, or None.
        cache_dir: the cache's root; None is ``$KERAS_HOME`` or ``~/.keras``.
        force_download: download again even when the file is in the cache.

    Returns:
        The path of the file, or of the extracted folder with ``extract=True``.

    Raises:
        FileNotFoundError: the file is not in the cache and could not be downloaded (offline, a
            wrong hash); the message says where to place it.
        ValueError: the file in the cache does not have ``file_hash``; it is left as it is.

    Example:
        >>> import os, tempfile
        >>> from glassnet.keras.utils import get_file
        >>> home = tempfile.mkdtemp()
        >>> os.makedirs(os.path.join(home, "datasets"))
        >>> with open(os.path.join(home, "datasets", "notes.txt"), "w") as f:
        ...     _ = f.write("hello")
        >>> path = get_file("notes.txt", origin="https://example.com/notes.txt", cache_dir=home,
        ...                 file_hash="5d41402abc4b2a76b9719d911017c592")  # the MD5 of "hello"
        >>> path == os.path.join(home, "datasets", "notes.txt")
        True
    """
    if origin is None:
        raise ValueError('Please specify the "origin" argument (URL of the file to download).')
    if md5_hash is not None and file_hash is None:
        file_hash, hash_algorithm = md5_hash, "md5"
    provided = bool(fname)
    fname = _local_name(fname, origin)
    datadir = os.path.join(_writable_root(cache_dir), cache_subdir)
    os.makedirs(datadir, exist_ok=True)
    download_target, extraction_dir = _targets(datadir, fname, provided, extract=extract or untar)
    fetch(download_target, origin, file_hash, hash_algorithm, force_download)
    if not (extract or untar):
        return download_target
    if not extract_archive(download_target, extraction_dir, "tar" if untar else archive_format):
        warnings.warn("Could not extract archive.", stacklevel=2)
    return extraction_dir


def fetch(target, origin, file_hash=None, hash_algorithm="auto", force_download=False, hint=""):
    """Make sure `target` holds the file at `origin` with `file_hash`: check it, or download it.

    A file already there with another hash is refused, not replaced (Keras downloads it again):
    it may be the user's own file. `hint` ends the error messages (another way to give the file).
    """
    algorithm = resolve_algorithm(hash_algorithm, file_hash)
    if os.path.exists(target) and not force_download:
        if file_hash is not None and hash_file(target, algorithm) != file_hash:
            _refuse(target, origin, file_hash, algorithm, hint)
        return target
    _download(origin, target, file_hash, algorithm, hint)
    return target


def keras_home():
    """Keras's home folder: ``$KERAS_HOME``, else ``~/.keras`` (``/tmp/.keras`` where ``~`` is read-only)."""
    if "KERAS_HOME" in os.environ:
        return os.environ["KERAS_HOME"]
    base = os.path.expanduser("~")
    return os.path.join(base if os.access(base, os.W_OK) else "/tmp", ".keras")


def datasets_dir():
    """Keras's folder for data sets: ``$KERAS_HOME/datasets`` or ``~/.keras/datasets``."""
    return os.path.join(keras_home(), "datasets")


def resolve_algorithm(hash_algorithm, file_hash=None):
    """Keras's rule: ``"auto"`` means SHA-256 for a 64-digit hash, MD5 otherwise."""
    if hash_algorithm == "sha256" or (hash_algorithm == "auto" and file_hash is not None and len(file_hash) == 64):
        return "sha256"
    return "md5"


def hash_file(fpath, algorithm="sha256", chunk_size=65535):
    """The hex SHA-256 (or MD5) of the file at `fpath`, read in chunks."""
    hasher = hashlib.sha256() if resolve_algorithm(algorithm) == "sha256" else hashlib.md5()
    with open(fpath, "rb") as stream:
        for chunk in iter(lambda: stream.read(chunk_size), b""):
            hasher.update(chunk)
    return hasher.hexdigest()


def validate_file(fpath, file_hash, algorithm="auto", chunk_size=65535):
    """Whether the file at `fpath` has the SHA-256 or MD5 `file_hash`."""
    return hash_file(fpath, resolve_algorithm(algorithm, file_hash), chunk_size) == str(file_hash)


def extract_archive(file_path, path=".", archive_format="auto"):
    """Extract a tar or zip archive into `path`; False when it is none of `archive_format`.

    Members that would land outside `path` (absolute names, ``..``, links out) are refused, as
    Keras refuses them. A failed extraction removes `path`.
    """
    import tarfile
    import zipfile

    formats = {"auto": ["tar", "zip"], None: []}.get(archive_format, archive_format)
    for kind in [formats] if isinstance(formats, str) else formats or []:
        if kind not in ("tar", "zip"):
            raise NotImplementedError(kind)
        is_kind, open_kind = (tarfile.is_tarfile, tarfile.open) if kind == "tar" else (zipfile.is_zipfile,
                                                                                       zipfile.ZipFile)
        if is_kind(file_path):
            with open_kind(file_path) as archive:
                _extract_all(archive, path)
            return True
    return False


def _extract_all(archive, path):
    import tarfile
    import zipfile

    try:
        if isinstance(archive, zipfile.ZipFile):
            archive.extractall(path)  # zipfile drops absolute names and ".." itself
        elif hasattr(tarfile, "data_filter"):
            archive.extractall(path, filter="data")
        else:  # Python before 3.10.12: only plain files and folders, inside `path`
            members = archive.getmembers()
            root = os.path.realpath(path)
            for member in members:
                inside = os.path.realpath(os.path.join(root, member.name)).startswith(root + os.sep)
                if not (member.isfile() or member.isdir()) or not inside:
                    raise tarfile.TarError(f"Refusing to extract {member.name!r}: it is not a plain file inside {path}")
            archive.extractall(path, members=members)
    except BaseException:
        if os.path.isdir(path):
            shutil.rmtree(path)
        elif os.path.exists(path):
            os.remove(path)
        raise


def _local_name(fname, origin):
    fname = os.fspath(fname) if fname is not None else None
    if not fname:
        fname = _origin_name(origin)
        if not fname:
            raise ValueError(f"Can't parse the file name from the origin provided: '{origin}'. "
                             "Please specify the `fname` argument.")
    elif os.sep in fname:
        raise ValueError("Paths are no longer accepted as the `fname` argument. To specify the file's parent "
                         f"directory, use the `cache_dir` argument. Received: fname={fname}")
    return fname


def _writable_root(cache_dir):
    """The cache root, created if missing; ``/tmp/.keras`` where it cannot be written (as Keras)."""
    root = os.path.expanduser(keras_home() if cache_dir is None else os.fspath(cache_dir))
    try:
        os.makedirs(root, exist_ok=True)
    except OSError:
        pass
    if not os.access(root, os.W_OK):
        root = os.path.join("/tmp" if os.path.isdir("/tmp") else tempfile.gettempdir(), ".keras")
    return root


def _targets(datadir, fname, provided, extract):
    """Keras's names: (where the download goes, where the archive is extracted)."""
    if not extract:
        return os.path.join(datadir, fname), None
    if provided and "." in fname:
        stem = fname[: fname.find(".")]
        return os.path.join(datadir, fname), os.path.join(datadir, f"{stem}_extracted")
    return os.path.join(datadir, f"{fname}_archive"), os.path.join(datadir, fname)


def _download(origin, target, file_hash, algorithm, hint):
    """Fetch `origin` into `target`, whole and with the expected hash, or not at all."""
    import urllib.request

    folder = os.path.dirname(os.path.abspath(target))
    os.makedirs(folder, exist_ok=True)
    handle, partial = tempfile.mkstemp(dir=folder, prefix=f".{os.path.basename(target)}.", suffix=".part")
    os.close(handle)
    print(f"Downloading data from {origin}")
    try:
        try:
            urllib.request.urlretrieve(origin, partial)
            actual = None if file_hash is None else hash_file(partial, algorithm)
        except Exception as error:  # offline, refused, a bad URL: all say where the file goes
            _offline(target, origin, error, hint)
        if actual is not None and actual != file_hash:
            _offline(target, origin, f"the downloaded file's {HASH_NAMES[algorithm]} is {actual}, expected "
                                     f"{file_hash}: an incomplete or corrupted download", hint)
        os.replace(partial, target)
    finally:
        if os.path.exists(partial):
            os.remove(partial)


def _offline(target, origin, reason, hint):
    raise FileNotFoundError(
        f"Could not download {origin} to {target} ({reason}). Download that file on a machine with internet "
        f"access and place it at {target}{hint}."
    ) from None


def _refuse(target, origin, file_hash, algorithm, hint):
    actual = hash_file(target, algorithm)
    name = HASH_NAMES[algorithm]
    raise ValueError(
        f"The file {target} is not the expected {_origin_name(origin)}: its {name} is {actual}, expected "
        f"{file_hash}. It may be an incomplete download or a different file, and it is not read. Delete it, then "
        f"download {origin} and place it at {target} (it is downloaded there when missing){hint}."
    )


def _origin_name(origin):
    return os.path.basename(urllib.parse.urlsplit(origin).path)
