package io.countersign.evidence;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.security.DigestOutputStream;
import java.security.MessageDigest;
import java.util.ArrayList;
import java.util.HexFormat;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.zip.Deflater;
import java.util.zip.ZipEntry;
import java.util.zip.ZipOutputStream;

import io.countersign.canonical.CanonicalJson;

/**
 * A bundle as it is written: ZIP entries one after another, each hashed (SHA-256) and counted while it
 * streams out, so the manifest written last can list every file without holding any of them.
 */
final class BundleZip implements AutoCloseable {
    /** A file of the bundle as the manifest lists it. */
    record FileSum(String path, String sha256, long size) {
        Map<String, Object> json() {
            Map<String, Object> m = new LinkedHashMap<>();
            m.put("path", path);
            m.put("sha256", sha256);
            m.put("size", size);
            return m;
        }
    }

    private final ZipOutputStream zip;
    private final List<FileSum> files = new ArrayList<>();
    private String current;
    private MessageDigest digest;
    private long size;

    BundleZip(OutputStream out) {
        zip = new ZipOutputStream(out);
        // The population is large and repetitive: the fastest level already shrinks it several times.
        zip.setLevel(Deflater.BEST_SPEED);
    }

    /** Starts {@code path}; write its bytes to the stream returned, then call {@link #closeFile}. */
    OutputStream file(String path) throws IOException {
        if (current != null) {
            throw new IllegalStateException(current + " is still open");
        }
        current = path;
        size = 0;
        digest = CanonicalJson.sha256();
        zip.putNextEntry(new ZipEntry(path));
        return new DigestOutputStream(new OutputStream() {
            @Override
            public void write(int b) throws IOException {
                zip.write(b);
                size++;
            }

            @Override
            public void write(byte[] b, int off, int len) throws IOException {
                zip.write(b, off, len);
                size += len;
            }

            @Override
            public void close() {
                // closing a file's stream never closes the bundle
            }
        }, digest);
    }

    void closeFile() throws IOException {
        zip.closeEntry();
        files.add(new FileSum(current, "sha256:" + HexFormat.of().formatHex(digest.digest()), size));
        current = null;
    }

    void file(String path, byte[] content) throws IOException {
        file(path).write(content);
        closeFile();
    }

    void file(String path, InputStream content) throws IOException {
        content.transferTo(file(path));
        closeFile();
    }

    /** Written after every listed file; not listed themselves (the manifest and its signature). */
    void unlisted(String path, byte[] content) throws IOException {
        zip.putNextEntry(new ZipEntry(path));
        zip.write(content);
        zip.closeEntry();
    }

    List<FileSum> files() {
        return List.copyOf(files);
    }

    @Override
    public void close() throws IOException {
        zip.finish();
        zip.flush();
    }
}
