package dlm.runtime.data;

/**
 * One file of a dataset as officially published: its name, its exact size in bytes and its
 * checksums (lower-case hex). The size is checked every time a local file is used (it is
 * free and catches truncated copies and mixed-up datasets); the checksums when downloading.
 *
 * @param contents what the file holds, for messages ("image data", "label data")
 */
public record DataFile(String fileName, long size, String md5, String sha256, String contents) {}
