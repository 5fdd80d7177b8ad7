package io.kdstream.core.data;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

class FashionMnistTest {

    @Test
    void shouldReadTheTestSplit() {
        LabeledImages test = FashionMnist.load(FashionMnist.Split.TEST);

        assertThat(test.count()).isEqualTo(10_000);
        assertThat(test.height()).isEqualTo(28);
        assertThat(test.width()).isEqualTo(28);
        assertThat(java.util.Arrays.stream(test.labels()).allMatch(label -> label >= 0 && label < 10)).isTrue();
        assertThat(test.labels()[0]).isEqualTo(9); // the first test image is an ankle boot
    }

    @Test
    void shouldSayHowToGetTheDataWhenItIsMissing(@TempDir Path empty) {
        assertThatThrownBy(() -> FashionMnist.locate(empty.toString(), empty.resolve("nowhere")))
                .isInstanceOf(IllegalStateException.class)
                .hasMessageContaining("apt-get install -y dataset-fashion-mnist")
                .hasMessageContaining("FASHION_MNIST_DIR");
    }

    @Test
    void shouldFallBackToDebiansFolderWhenTheVariableIsUnset() {
        assertThat(FashionMnist.locate(null)).isEqualTo(Path.of(FashionMnist.DEBIAN_DIR));
    }
}
