/**
 * Trust and safety (issue 12 item 5) where it touches the operating system: the one routine that
 * makes image folders ({@link org.criuatlas.bridge.trust.SafeFolders}), the owner and permission
 * facts a restore gate decides on ({@link org.criuatlas.bridge.trust.FileTrust}), and the allow-listed
 * environment every child CRIU Atlas starts gets ({@link org.criuatlas.bridge.trust.ChildEnvironment}).
 * Depends on nothing else in the bridge, so the criu and os packages can use it without a cycle.
 */
package org.criuatlas.bridge.trust;
