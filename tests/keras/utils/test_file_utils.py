"""get_file: Keras's cache layout and names, hashes checked, downloads whole or not at all."""
import hashlib
import io
import os
import tarfile
import urllib.error
import urllib.request
import zipfile

import pytest

from glassnet.keras.utils import get_file
from glassnet.keras.utils.file_utils import hash_file, keras_home, validate_file

URL = "https://example.com/files/data.bin"


@pytest.fixture
def home(tmp_path, monkeypatch):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path / "keras"))
    return tmp_path / "keras"


@pytest.fixture
def server(tmp_path, monkeypatch):
    """A fake network: `served[url] = bytes` are downloadable; anything else fails as offline."""
    served, calls = {}, []

    def retrieve(url, filename):
        calls.append(url)
        if url not in served:
            raise urllib.error.URLError("no network")
        with open(filename, "wb") as stream:
            stream.write(served[url])
    monkeypatch.setattr(urllib.request, "urlretrieve", retrieve)
    return served, calls


def test_a_download_lands_in_kerass_cache(home, server):
    served, calls = server
    served[URL] = b"payload"
    path = get_file(origin=URL, file_hash=hashlib.sha256(b"payload").hexdigest())
    assert path == str(home / "datasets" / "data.bin") and open(path, "rb").read() == b"payload"
    assert get_file("data.bin", URL) == path and calls == [URL]     # cached: not downloaded again
    assert os.listdir(home / "datasets") == ["data.bin"]


def test_cache_dir_and_subdir(tmp_path, server):
    served, _ = server
    served[URL] = b"x"
    assert get_file("a.bin", URL, cache_dir=str(tmp_path / "c"), cache_subdir="sub") == str(tmp_path / "c" / "sub" /
                                                                                              "a.bin")
    absolute = tmp_path / "elsewhere"
    assert get_file("b.bin", URL, cache_dir=str(tmp_path / "c"), cache_subdir=str(absolute)) == str(absolute / "b.bin")


def test_keras_home_is_kerass(monkeypatch, tmp_path):
    monkeypatch.setenv("KERAS_HOME", str(tmp_path))
    assert keras_home() == str(tmp_path)
    monkeypatch.delenv("KERAS_HOME")
    monkeypatch.setenv("HOME", str(tmp_path))
    assert keras_home() == str(tmp_path / ".keras")


def test_a_download_with_the_wrong_hash_never_enters_the_cache(home, server):
    served, _ = server
    served[URL] = b"half a fi"
    with pytest.raises(FileNotFoundError) as error:
        get_file(origin=URL, file_hash=hashlib.sha256(b"half a file").hexdigest())
    assert "SHA-256" in str(error.value) and str(home / "datasets" / "data.bin") in str(error.value)
    assert os.listdir(home / "datasets") == []                      # no partial file left behind


def test_offline_says_which_file_to_put_where(home, server):
    _, calls = server
    with pytest.raises(FileNotFoundError) as error:
        get_file("mine.bin", URL)
    message = str(error.value)
    assert URL in message and str(home / "datasets" / "mine.bin") in message and "no network" in message
    assert calls == [URL] and os.listdir(home / "datasets") == []


def test_a_cached_file_with_another_hash_is_refused_and_kept(home, server):
    _, calls = server
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "data.bin").write_bytes(b"mine")
    with pytest.raises(ValueError) as error:
        get_file(origin=URL, md5_hash="0" * 32)
    message = str(error.value)
    assert "MD5" in message and hashlib.md5(b"mine").hexdigest() in message and "0" * 32 in message
    assert calls == [] and (home / "datasets" / "data.bin").read_bytes() == b"mine"


def test_force_download_replaces_only_after_a_good_download(home, server):
    served, _ = server
    (home / "datasets").mkdir(parents=True)
    (home / "datasets" / "data.bin").write_bytes(b"old")
    with pytest.raises(FileNotFoundError):
        get_file(origin=URL, force_download=True)
    assert (home / "datasets" / "data.bin").read_bytes() == b"old"
    served[URL] = b"new"
    get_file(origin=URL, force_download=True)
    assert (home / "datasets" / "data.bin").read_bytes() == b"new"


def _tar_bytes(members):
    buffer = io.BytesIO()
    with tarfile.open(fileobj=buffer, mode="w:gz") as archive:
        for name, data in members.items():
            info = tarfile.TarInfo(name)
            info.size = len(data)
            archive.addfile(info, io.BytesIO(data))
    return buffer.getvalue()


@pytest.mark.parametrize("fname, archive, folder", [
    ("photos", "photos_archive", "photos"),                      # Keras's names, for each way of naming it
    ("photos.tgz", "photos.tgz", "photos_extracted"),
    (None, "photos.tgz_archive", "photos.tgz"),
])
def test_extract_uses_kerass_names(home, server, fname, archive, folder):
    served, _ = server
    url = "https://example.com/photos.tgz"
    served[url] = _tar_bytes({"flowers/rose.txt": b"rose"})
    path = get_file(fname, url, extract=True)
    assert path == str(home / "datasets" / folder)
    assert (home / "datasets" / folder / "flowers" / "rose.txt").read_bytes() == b"rose"
    assert (home / "datasets" / archive).is_file()


def test_untar_and_zip(home, server):
    served, _ = server
    served["https://example.com/a.tar.gz"] = _tar_bytes({"a.txt": b"a"})
    assert os.listdir(get_file("a", "https://example.com/a.tar.gz", untar=True)) == ["a.txt"]
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        archive.writestr("z.txt", "z")
    served["https://example.com/z.zip"] = buffer.getvalue()
    assert os.listdir(get_file("z", "https://example.com/z.zip", extract=True, archive_format="zip")) == ["z.txt"]


def test_an_archive_member_outside_the_folder_is_refused(home, server, tmp_path):
    served, _ = server
    served[URL] = _tar_bytes({"../../outside.txt": b"x"})
    with pytest.raises(Exception, match="outside"):
        get_file("evil", URL, extract=True)
    assert not (home / "outside.txt").exists() and not (tmp_path / "outside.txt").exists()
    assert not (home / "datasets" / "evil").exists()


@pytest.mark.parametrize("kwargs, message", [
    ({"fname": "x.bin"}, 'specify the "origin" argument'),
    ({"fname": os.path.join("sub", "x.bin"), "origin": URL}, "Paths are no longer accepted as the `fname`"),
    ({"origin": "https://example.com/"}, "Can't parse the file name from the origin"),
])
def test_kerass_argument_errors(home, kwargs, message):
    with pytest.raises(ValueError, match=message):
        get_file(**kwargs)


def test_hash_helpers(tmp_path):
    path = tmp_path / "f"
    path.write_bytes(b"abc")
    assert hash_file(str(path)) == hashlib.sha256(b"abc").hexdigest()
    assert hash_file(str(path), "md5") == hashlib.md5(b"abc").hexdigest()
    assert validate_file(str(path), hashlib.md5(b"abc").hexdigest())          # "auto": 32 digits is MD5
    assert not validate_file(str(path), hashlib.sha256(b"abd").hexdigest())
