package io.channelhub.plugins.knowledge;

import io.channelhub.plugin.knowledge.IndexHit;
import io.channelhub.plugin.knowledge.IndexedChunk;
import io.channelhub.plugin.knowledge.IndexedFile;
import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Pattern;
import org.apache.lucene.document.Document;
import org.apache.lucene.document.DoublePoint;
import org.apache.lucene.document.Field;
import org.apache.lucene.document.KnnFloatVectorField;
import org.apache.lucene.document.StoredField;
import org.apache.lucene.document.StringField;
import org.apache.lucene.document.TextField;
import org.apache.lucene.index.StoredFields;
import org.apache.lucene.index.VectorSimilarityFunction;

/** A file's chunks as Lucene documents, one per chunk, and the names of their fields. */
final class Documents {

    static final String STORE = "store";
    static final String FILE = "file";
    /** The file within its store ({@link #fileKey}): what a re-ingested file's chunks replace. */
    static final String KEY = "key";
    static final String CHUNK = "chunk";
    static final String TEXT = "text";
    static final String FILENAME = "filename";
    // One prefix per type: a filter for the string "2024" does not match the number 2024, nor "true" a boolean.
    static final String STRING_ATTRIBUTE = "attr.";
    static final String NUMBER_ATTRIBUTE = "attrn.";
    static final String BOOLEAN_ATTRIBUTE = "attrb.";
    private static final String VECTOR = "vec.";

    private static final Set<String> HIT_FIELDS = Set.of(STORE, FILE, CHUNK);
    // StandardTokenizer keeps "prices.pdf" and "opening_hours" whole; to a person they are words.
    private static final Pattern NAME_SEPARATORS = Pattern.compile("[^\\p{L}\\p{N}]+");
    private static final HexFormat HEX = HexFormat.of().withUpperCase();

    private Documents() {
    }

    /** The store's length first, so that store {@code a/b} with file {@code c} differs from {@code a} with {@code b/c}. */
    static String fileKey(String storeId, String fileId) {
        return storeId.length() + ":" + storeId + "/" + fileId;
    }

    /**
     * The vector field of one model and dimension. Lucene fixes a field's dimension for the whole index, and one
     * tenant's stores may use different models, or one model at different dimensions.
     */
    static String vectorField(String model, int dimensions) {
        return vectorPrefix(model) + dimensions;
    }

    /** Every vector field of {@code model} starts so; no other model's does ({@link #escape} leaves no dot). */
    static String vectorPrefix(String model) {
        return VECTOR + escape(model) + ".";
    }

    // Reversible, so two model names never share a field: letters, digits, '-' and '_' stay, other bytes become %XX.
    private static String escape(String model) {
        StringBuilder b = new StringBuilder(model.length() + 8);
        for (byte x : model.getBytes(StandardCharsets.UTF_8)) {
            char c = (char) (x & 0xff);
            if (c < 0x80 && (Character.isLetterOrDigit(c) || c == '-' || c == '_')) {
                b.append(c);
            } else {
                b.append('%').append(HEX.toHexDigits(x));
            }
        }
        return b.toString();
    }

    static List<Document> of(IndexedFile file) {
        String key = fileKey(file.storeId(), file.fileId());
        String filename = file.filename() == null ? null : NAME_SEPARATORS.matcher(file.filename()).replaceAll(" ");
        String vectorField = null;
        int dimensions = 0;
        List<Document> documents = new ArrayList<>(file.chunks().size());
        for (IndexedChunk chunk : file.chunks()) {
            Document d = new Document();
            d.add(new StringField(STORE, file.storeId(), Field.Store.YES));
            d.add(new StringField(FILE, file.fileId(), Field.Store.YES));
            d.add(new StringField(KEY, key, Field.Store.NO));
            d.add(new StoredField(CHUNK, chunk.index()));
            if (chunk.text() != null) {
                d.add(new TextField(TEXT, chunk.text(), Field.Store.NO));
            }
            if (filename != null) {
                d.add(new TextField(FILENAME, filename, Field.Store.NO));
            }
            addAttributes(d, file.attributes());
            float[] vector = chunk.vector();
            if (vector != null && vector.length > 0) {
                if (vectorField == null) {
                    if (vector.length > WideVectors.MAX_DIMENSIONS) {
                        throw new IllegalArgumentException("file " + file.fileId() + ": vectors have at most "
                                + WideVectors.MAX_DIMENSIONS + " dimensions here, not " + vector.length);
                    }
                    dimensions = vector.length;
                    vectorField = vectorField(model(file), dimensions);
                } else if (vector.length != dimensions) {
                    throw new IllegalArgumentException("file " + file.fileId() + ": chunk " + chunk.index() + " has "
                            + vector.length + " dimensions where its earlier chunks have " + dimensions);
                }
                // A zero vector has no direction to compare: the chunk is found by its words only. Stored at unit length
                // and compared by dot product, which is the cosine without computing two norms per comparison.
                if (!isZero(vector)) {
                    d.add(new KnnFloatVectorField(vectorField, unit(vector), VectorSimilarityFunction.DOT_PRODUCT));
                }
            }
            documents.add(d);
        }
        return documents;
    }

    private static String model(IndexedFile file) {
        if (file.embeddingModel() == null || file.embeddingModel().isEmpty()) {
            throw new IllegalArgumentException("file " + file.fileId() + " has vectors but no embedding model");
        }
        return file.embeddingModel();
    }

    /** The query-side checks of a vector (the index side is Lucene's and {@link #of}'s). */
    /** {@code v} scaled to length 1 (a copy). */
    static float[] unit(float[] v) {
        double sum = 0;
        for (float x : v) {
            sum += (double) x * x;
        }
        float inv = (float) (1 / Math.sqrt(sum));
        float[] out = new float[v.length];
        for (int i = 0; i < v.length; i++) {
            out[i] = v[i] * inv;
        }
        return out;
    }

    static void checkVector(float[] vector) {
        if (vector.length == 0 || vector.length > WideVectors.MAX_DIMENSIONS) {
            throw new IllegalArgumentException("a query vector has 1 to " + WideVectors.MAX_DIMENSIONS
                    + " dimensions, not " + vector.length);
        }
        for (float x : vector) {
            if (!Float.isFinite(x)) {
                throw new IllegalArgumentException("a query vector has finite values only");
            }
        }
        if (isZero(vector)) {
            throw new IllegalArgumentException("a zero query vector has no direction to compare");
        }
    }

    private static boolean isZero(float[] vector) {
        for (float x : vector) {
            if (x != 0) {
                return false;
            }
        }
        return true;
    }

    private static void addAttributes(Document d, Map<String, Object> attributes) {
        attributes.forEach((key, value) -> {
            if (value instanceof String s) {
                d.add(new StringField(STRING_ATTRIBUTE + key, s, Field.Store.NO));
            } else if (value instanceof Boolean b) {
                d.add(new StringField(BOOLEAN_ATTRIBUTE + key, b.toString(), Field.Store.NO));
            } else if (value instanceof Number n) {
                d.add(new DoublePoint(NUMBER_ATTRIBUTE + key, number(n)));
            } else {
                throw new IllegalArgumentException("attribute " + key + " is a " + value.getClass().getSimpleName()
                        + "; attributes are strings, numbers or booleans");
            }
        });
    }

    /** As indexed: a double, and -0.0 as 0.0 (DoublePoint orders them apart, a filter means the same number). */
    static double number(Number n) {
        return n.doubleValue() + 0.0;
    }

    static IndexHit hit(StoredFields stored, int doc, double score) throws IOException {
        Document d = stored.document(doc, HIT_FIELDS);
        return new IndexHit(d.get(STORE), d.get(FILE), d.getField(CHUNK).numericValue().intValue(), score);
    }
}
