// SaxonServer.java -- one JVM for all the Saxon runs of an e-invoice test (tests/lib/einvoice.sh
// einv_saxon_server; the client is tests/lib/einv-java.py, the kit's validate.sh's JAVA).
//
//   java -cp Saxon-HE.jar tests/lib/SaxonServer.java SOCKET PARENT_PID
//
// (the JDK's single-file source launcher: Debian's openjdk-17-jre-headless has the compiler
// module, no javac needed). validate.sh starts a JVM for every validator of every call and
// one for its summary: a dozen JVMs a test, each loading Saxon's classes and compiling them
// again (the JIT threads took more CPU than the transforms). Here each request is the
// command line of a `net.sf.saxon.Transform` run, run by the same Saxon class in this JVM,
// in a thread of its own, with its own Processor and Configuration, as the separate JVM
// would: the same reports, byte for byte.
//
// Protocol, one request per connection on the Unix socket SOCKET: the client writes NUL-
// terminated strings, STDOUT_FILE, STDERR_FILE, then the Transform arguments, and closes its
// side; the server writes what Saxon prints to the two files and answers with the exit
// code as text: 0, the code Saxon would have exited with (its quit() throws here instead),
// or 1 for an exception out of the run, as java reports one out of main.
// A request "quit" (a single string) stops the server. It also stops when PARENT_PID
// (the test's shell) is gone, or after ten minutes without a request: never beyond its
// test. Its own standard output, the test's saxon-server.log, has a line per request run.
// A run that calls System.exit itself (Saxon's `-?`, which validate.sh never gives) ends
// the server: the clients without an answer, and all after them, run java themselves.
import java.io.ByteArrayOutputStream;
import java.io.FileOutputStream;
import java.io.IOException;
import java.io.OutputStream;
import java.io.PrintStream;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

public class SaxonServer {
    // System.out and System.err of each request's thread: its files (Saxon prints the
    // principal result of a run without -o: to System.out, its messages to System.err).
    static final ThreadLocal<OutputStream> OUT = new ThreadLocal<>();
    static final ThreadLocal<OutputStream> ERR = new ThreadLocal<>();
    static volatile long lastRequest = System.currentTimeMillis();
    static Path socket;
    // the server's own output (its log): a line for every request it runs
    static PrintStream log;

    static final class Dispatch extends OutputStream {
        private final ThreadLocal<OutputStream> which;
        private final OutputStream fallback;

        Dispatch(ThreadLocal<OutputStream> which, OutputStream fallback) {
            this.which = which;
            this.fallback = fallback;
        }

        private OutputStream target() {
            OutputStream o = which.get();
            return o != null ? o : fallback;
        }

        @Override public void write(int b) throws IOException { target().write(b); }
        @Override public void write(byte[] b, int off, int len) throws IOException { target().write(b, off, len); }
        @Override public void flush() throws IOException { target().flush(); }
    }

    // Transform, exiting by exception: where the command line's java would exit (Saxon's
    // quit(), which prints the message first, and badUsage()), this one keeps the exit code,
    // throws, and drops all the run prints after it (Saxon's own catch blocks print what
    // they catch; an exiting process would have printed nothing more).
    static final class Quit extends RuntimeException {
        Quit(String message) {
            super(message);
        }
    }

    static final class Run extends net.sf.saxon.Transform {
        Integer exitCode;

        Run() { allowExit = false; }

        private Quit exit(int code, String message) {
            if (exitCode == null) {
                exitCode = code;
            }
            OUT.set(OutputStream.nullOutputStream());
            ERR.set(OutputStream.nullOutputStream());
            return new Quit(message);
        }

        @Override protected void quit(String message, int code) {
            if (exitCode == null) {
                System.err.println(message);
            }
            throw exit(code, message);
        }

        // a bad command line: Saxon prints the usage (naming this class where java's names
        // net.sf.saxon.Transform), then exits 0 for "" and 2 otherwise
        @Override protected void badUsage(String message) {
            allowExit = false; // (doTransform sets it again from -quit:, default on)
            try {
                super.badUsage(message);
            } catch (RuntimeException e) {
                throw exit("".equals(message) ? 0 : 2, message);
            }
        }
    }

    static List<String> readRequest(SocketChannel ch) throws IOException {
        ByteArrayOutputStream all = new ByteArrayOutputStream();
        ByteBuffer buf = ByteBuffer.allocate(65536);
        while (ch.read(buf) >= 0) {
            buf.flip();
            all.write(buf.array(), 0, buf.limit());
            buf.clear();
        }
        List<String> parts = new ArrayList<>();
        byte[] b = all.toByteArray();
        int start = 0;
        for (int i = 0; i < b.length; i++) {
            if (b[i] == 0) {
                parts.add(new String(b, start, i - start, StandardCharsets.UTF_8));
                start = i + 1;
            }
        }
        return parts;
    }

    static void serve(SocketChannel ch) {
        int code = 2;
        try (ch) {
            List<String> req = readRequest(ch);
            if (req.size() == 1 && req.get(0).equals("quit")) {
                ch.write(ByteBuffer.wrap("0".getBytes(StandardCharsets.US_ASCII)));
                Files.deleteIfExists(socket);
                Runtime.getRuntime().halt(0);
            }
            if (req.size() >= 2) {
                try (OutputStream out = new FileOutputStream(req.get(0));
                     OutputStream err = new FileOutputStream(req.get(1))) {
                    OUT.set(out);
                    ERR.set(err);
                    String[] args = req.subList(2, req.size()).toArray(new String[0]);
                    log.println("run " + String.join(" ", args));
                    Run run = new Run();
                    try {
                        run.doTransform(args, "java net.sf.saxon.Transform");
                        code = run.exitCode != null ? run.exitCode : 0;
                    } catch (Throwable e) {
                        if (run.exitCode != null) {
                            code = run.exitCode;
                        } else {
                            // what java prints and exits with for an exception out of main
                            System.err.print("Exception in thread \"main\" ");
                            e.printStackTrace();
                            code = 1;
                        }
                    } finally {
                        System.out.flush();
                        System.err.flush();
                        OUT.remove();
                        ERR.remove();
                    }
                }
            }
            ch.write(ByteBuffer.wrap(Integer.toString(code).getBytes(StandardCharsets.US_ASCII)));
        } catch (IOException e) {
            // the client went away: nothing to answer
        } finally {
            lastRequest = System.currentTimeMillis();
        }
    }

    public static void main(String[] argv) throws Exception {
        socket = Path.of(argv[0]);
        long parent = Long.parseLong(argv[1]);
        log = new PrintStream(new FileOutputStream(java.io.FileDescriptor.out), true);
        System.setOut(new PrintStream(new Dispatch(OUT, log), true));
        System.setErr(new PrintStream(new Dispatch(ERR, new FileOutputStream(java.io.FileDescriptor.err)), true));
        Files.deleteIfExists(socket);
        ServerSocketChannel server = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
        server.bind(UnixDomainSocketAddress.of(socket));
        Thread watch = new Thread(() -> {
            while (true) {
                try {
                    Thread.sleep(1000);
                } catch (InterruptedException e) {
                    return;
                }
                boolean alive = ProcessHandle.of(parent).map(ProcessHandle::isAlive).orElse(false);
                if (!alive || System.currentTimeMillis() - lastRequest > 600_000) {
                    try {
                        Files.deleteIfExists(socket);
                    } catch (IOException e) {
                        // exiting anyway
                    }
                    Runtime.getRuntime().halt(0);
                }
            }
        });
        watch.setDaemon(true);
        watch.start();
        while (true) {
            SocketChannel ch = server.accept();
            lastRequest = System.currentTimeMillis();
            Thread t = new Thread(() -> serve(ch));
            t.start();
        }
    }
}
