"""Excel (and later PPTX) builders."""
