"""Text encoders and the FAISS vector index; nothing here imports torch eagerly."""
