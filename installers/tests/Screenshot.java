import java.awt.Rectangle;
import java.awt.Robot;
import java.awt.Toolkit;
import java.awt.image.BufferedImage;
import java.io.File;
import java.util.HashSet;
import java.util.Set;
import javax.imageio.ImageIO;

/**
 * Saves the X display ($DISPLAY) as a PNG: {@code java Screenshot.java OUT.png [X Y W H]}.
 * Exit 3 when the picture is blank (fewer than 16 colours): the window did not paint.
 * A test helper for installers/test-deb.sh and scripts/test-front-door.sh (the window of the
 * installed app is another process, so TestFX cannot take it).
 */
public class Screenshot {
    public static void main(String[] args) throws Exception {
        Rectangle r = args.length >= 5
                ? new Rectangle(Integer.parseInt(args[1]), Integer.parseInt(args[2]), Integer.parseInt(args[3]), Integer.parseInt(args[4]))
                : new Rectangle(Toolkit.getDefaultToolkit().getScreenSize());
        BufferedImage img = new Robot().createScreenCapture(r);
        ImageIO.write(img, "png", new File(args[0]));
        Set<Integer> colours = new HashSet<>();
        for (int y = 0; y < img.getHeight() && colours.size() < 16; y += 7)
            for (int x = 0; x < img.getWidth() && colours.size() < 16; x += 7) colours.add(img.getRGB(x, y));
        System.out.println(args[0] + ": " + img.getWidth() + "x" + img.getHeight() + ", " + colours.size() + (colours.size() >= 16 ? "+" : "") + " colours");
        System.exit(colours.size() < 16 ? 3 : 0);
    }
}
