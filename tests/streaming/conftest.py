from tests.library.conftest import audio_dir, tagged_mp3  # noqa: F401  (shared fixtures)
