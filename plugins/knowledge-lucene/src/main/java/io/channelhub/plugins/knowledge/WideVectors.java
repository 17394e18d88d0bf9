package io.channelhub.plugins.knowledge;

import java.io.IOException;
import org.apache.lucene.codecs.Codec;
import org.apache.lucene.codecs.FilterCodec;
import org.apache.lucene.codecs.KnnVectorsFormat;
import org.apache.lucene.codecs.KnnVectorsReader;
import org.apache.lucene.codecs.KnnVectorsWriter;
import org.apache.lucene.codecs.lucene99.Lucene99HnswVectorsFormat;
import org.apache.lucene.codecs.perfield.PerFieldKnnVectorsFormat;
import org.apache.lucene.index.SegmentReadState;
import org.apache.lucene.index.SegmentWriteState;

/**
 * Lucene's HNSW vector format with vectors of up to 4096 dimensions. Lucene 9 refuses more than 1024 by default,
 * fewer than OpenAI's text-embedding-3-small (1536) and -large (3072) give. Only the limit differs: the files and
 * the format's name are the default's, so Lucene's own SPI reads them back.
 */
final class WideVectors extends KnnVectorsFormat {

    static final int MAX_DIMENSIONS = 4096;

    private final KnnVectorsFormat hnsw;

    private WideVectors(KnnVectorsFormat hnsw) {
        super(hnsw.getName());
        this.hnsw = hnsw;
    }

    /** The default codec, with this format for every vector field. */
    static Codec codec() {
        Codec base = Codec.getDefault();
        KnnVectorsFormat wide = new WideVectors(new Lucene99HnswVectorsFormat());
        KnnVectorsFormat perField = new PerFieldKnnVectorsFormat() {
            @Override
            public KnnVectorsFormat getKnnVectorsFormatForField(String field) {
                return wide;
            }
        };
        return new FilterCodec(base.getName(), base) {
            @Override
            public KnnVectorsFormat knnVectorsFormat() {
                return perField;
            }
        };
    }

    @Override
    public KnnVectorsWriter fieldsWriter(SegmentWriteState state) throws IOException {
        return hnsw.fieldsWriter(state);
    }

    @Override
    public KnnVectorsReader fieldsReader(SegmentReadState state) throws IOException {
        return hnsw.fieldsReader(state);
    }

    @Override
    public int getMaxDimensions(String fieldName) {
        return MAX_DIMENSIONS;
    }

    @Override
    public String toString() {
        return "WideVectors(" + hnsw + ")";
    }
}
