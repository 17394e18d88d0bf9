package io.channelhub.plugins.knowledge;

import static org.assertj.core.api.Assertions.assertThat;

import org.junit.jupiter.api.Test;

class DocumentsTest {

    @Test
    void fileKeysOfDifferentStoreAndFilePairsDiffer() {
        assertThat(Documents.fileKey("a/b", "c")).isNotEqualTo(Documents.fileKey("a", "b/c"));
        assertThat(Documents.fileKey("vs_1", "file_1")).isEqualTo("4:vs_1/file_1");
    }

    @Test
    void vectorFieldsNameModelAndDimensionReversibly() {
        assertThat(Documents.vectorField("all-minilm-l6-v2", 384)).isEqualTo("vec.all-minilm-l6-v2.384");
        assertThat(Documents.vectorField("org/model.v1", 8)).isEqualTo("vec.org%2Fmodel%2Ev1.8");
        assertThat(Documents.vectorField("a.b", 8)).isNotEqualTo(Documents.vectorField("a%2Eb", 8));
        assertThat(Documents.vectorField("modelo-ção", 8)).isEqualTo("vec.modelo-%C3%A7%C3%A3o.8");
        // No model's prefix is the start of another model's field.
        assertThat(Documents.vectorField("m.1", 8)).doesNotStartWith(Documents.vectorPrefix("m"));
    }
}
