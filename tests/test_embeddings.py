"""The embedding model run with transformers directly gives sentence-transformers' vectors."""

from __future__ import annotations

import json
import shutil

import numpy as np

from rag.ingest.article import prepare_article
from rag.models.embeddings import TransformerEmbeddings, _simple_pooling, get_embeddings
from rag.models.gguf import embedding_model_path
from tests.conftest import SEEDS


def test_same_vectors_as_sentence_transformers(base_settings):
    from sentence_transformers import SentenceTransformer

    folder = embedding_model_path(base_settings.embedding_model)
    texts = [prepare_article(p).text for p in sorted(SEEDS.iterdir())]  # whole articles: truncated
    texts += [t[i : i + 400] for t in texts for i in range(0, len(t), 400)]
    texts += ["When was Hawija taken from ISIS?", "x", "العراق", ""]
    ours = get_embeddings(base_settings)
    assert isinstance(ours, TransformerEmbeddings)
    theirs = SentenceTransformer(str(folder), device="cpu").encode(texts, normalize_embeddings=True)
    a = np.array(ours.embed_documents(texts))
    assert a.shape == theirs.shape and np.abs(a - theirs).max() < 1e-5
    assert np.allclose(ours.embed_query(texts[-4]), theirs[-4], atol=1e-5)


def test_a_folder_with_other_modules_goes_through_sentence_transformers(base_settings, tmp_path):
    folder = tmp_path / "model"
    shutil.copytree(embedding_model_path(base_settings.embedding_model), folder)
    assert _simple_pooling(folder) == ("mean", True, 256)
    modules = json.loads((folder / "modules.json").read_text())
    modules.insert(
        2, {"idx": 2, "name": "2", "path": "2_Dense", "type": "sentence_transformers.models.Dense"}
    )
    (folder / "modules.json").write_text(json.dumps(modules))
    assert _simple_pooling(folder) is None
    pooling = folder / "1_Pooling" / "config.json"
    (folder / "modules.json").write_text(json.dumps(modules[:2]))
    assert _simple_pooling(folder) == ("mean", False, 256)  # no Normalize module
    config = json.loads(pooling.read_text())
    pooling.write_text(
        json.dumps({**config, "pooling_mode_mean_tokens": False, "pooling_mode_max_tokens": True})
    )
    assert _simple_pooling(folder) is None
