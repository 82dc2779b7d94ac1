import java.lang.reflect.Field;
import java.util.Set;
import org.eclipse.jetty.server.Connector;
import org.eclipse.jetty.server.Handler;
import org.eclipse.jetty.server.Request;
import org.eclipse.jetty.server.Response;
import org.eclipse.jetty.server.Server;
import org.eclipse.jetty.server.ServerConnector;
import org.eclipse.jetty.util.Callback;
import software.amazon.dynamodb.services.local.main.ServerRunner;
import software.amazon.dynamodb.services.local.server.DynamoDBProxyServer;

/**
 * DynamoDB Local, reachable from this machine's own processes only (see dynamo-local.ts).
 *
 * The packaged launcher (ServerRunner) has no option for the address: its Jetty server is built
 * with `new Server(port)`, which listens on every interface, and answers CORS for any origin by
 * default. This launcher builds the same server from the same command line, then, before it
 * starts:
 * - binds its connector to 127.0.0.1, so no other machine can reach it;
 * - answers 403 to a request whose Host is not 127.0.0.1:port or localhost:port (DNS rebinding),
 *   or that carries an Origin header (a web page: SDK clients never send one), so no web page can
 *   drive it either.
 * Run with the source-file launcher: java -cp DynamoDBLocal.jar LoopbackDynamoDB.java -port N ...
 */
public class LoopbackDynamoDB {
  public static void main(String[] args) throws Exception {
    int port = 8000;
    for (int i = 0; i + 1 < args.length; i++) if (args[i].equals("-port")) port = Integer.parseInt(args[i + 1]);
    DynamoDBProxyServer proxy = ServerRunner.createServerFromCommandLineArgs(args);
    Field field = DynamoDBProxyServer.class.getDeclaredField("server");
    field.setAccessible(true);
    Server server = (Server) field.get(proxy);
    Connector[] connectors = server.getConnectors();
    if (connectors.length == 0) throw new IllegalStateException("DynamoDB Local has no connector to bind");
    for (Connector connector : connectors) ((ServerConnector) connector).setHost("127.0.0.1");
    Set<String> hosts = Set.of("127.0.0.1:" + port, "localhost:" + port);
    Handler inner = server.getHandler();
    server.setHandler(new Handler.Wrapper(inner) {
      @Override
      public boolean handle(Request request, Response response, Callback callback) throws Exception {
        String host = request.getHeaders().get("Host");
        if (host == null || !hosts.contains(host.toLowerCase()) || request.getHeaders().get("Origin") != null) {
          Response.writeError(request, response, callback, 403, "DynamoDB Local answers this machine's processes only");
          return true;
        }
        return super.handle(request, response, callback);
      }
    });
    proxy.start();
    System.out.println("DynamoDB Local listening on 127.0.0.1:" + port);
  }
}
