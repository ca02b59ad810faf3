package dlm.compiler.report;

import java.awt.BasicStroke;
import java.awt.Color;
import java.awt.Font;
import java.awt.Graphics2D;
import java.awt.RenderingHints;
import java.awt.geom.Path2D;
import java.awt.image.BufferedImage;
import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.util.List;
import javax.imageio.ImageIO;

/**
 * {@code --plot curves.png}: the report's curve charts drawn with Java2D (headless) into one PNG,
 * two charts a row, with the SVG charts' geometry ({@link SvgChart}), so the picture matches the
 * report's.
 */
public final class PngCurves {
    private static final int SCALE = 2; // twice the SVG's size: sharp on screens and in papers

    private PngCurves() {}

    public static byte[] render(List<Chart> charts) throws IOException {
        int cols = Math.min(2, Math.max(1, charts.size())), rows = (charts.size() + cols - 1) / cols;
        int extra = 0; // legend rows beyond the first, in the chart that has most
        for (Chart c : charts) for (int[] at : SvgChart.legend(c)) extra = Math.max(extra, at[1]);
        int cellH = SvgChart.H + SvgChart.LEGEND_ROW * extra;
        int w = cols * SvgChart.W, h = Math.max(1, rows) * cellH;
        BufferedImage img = new BufferedImage(w * SCALE, h * SCALE, BufferedImage.TYPE_INT_RGB);
        Graphics2D g = img.createGraphics();
        g.setRenderingHint(RenderingHints.KEY_ANTIALIASING, RenderingHints.VALUE_ANTIALIAS_ON);
        g.setRenderingHint(RenderingHints.KEY_TEXT_ANTIALIASING, RenderingHints.VALUE_TEXT_ANTIALIAS_ON);
        g.scale(SCALE, SCALE);
        g.setColor(Color.WHITE);
        g.fillRect(0, 0, w, h);
        for (int k = 0; k < charts.size(); k++) {
            Graphics2D cg = (Graphics2D) g.create((k % cols) * SvgChart.W, (k / cols) * cellH, SvgChart.W, cellH);
            draw(cg, charts.get(k));
            cg.dispose();
        }
        g.dispose();
        ByteArrayOutputStream out = new ByteArrayOutputStream();
        ImageIO.write(img, "png", out);
        return out.toByteArray();
    }

    private static void draw(Graphics2D g, Chart c) {
        int W = SvgChart.W, H = SvgChart.H, L = SvgChart.LEFT, R = SvgChart.RIGHT, T = SvgChart.TOP, B = SvgChart.BOTTOM;
        double[] r = c.range();
        double[] yt = Chart.ticks(r[0], r[1]);
        double lo = Math.min(r[0], yt[0]), hi = Math.max(r[1], yt[yt.length - 1]);
        double step = yt.length > 1 ? yt[1] - yt[0] : hi - lo;
        int e0 = c.epochs()[0], e1 = c.epochs()[c.epochs().length - 1];
        Font small = new Font(Font.SANS_SERIF, Font.PLAIN, 11);
        g.setFont(new Font(Font.SANS_SERIF, Font.BOLD, 14));
        g.setColor(new Color(0x222222));
        centered(g, c.title(), W / 2.0, 18);
        g.setFont(small);
        for (double t : yt) {
            int y = (int) Math.round(SvgChart.y(t, lo, hi));
            g.setColor(new Color(0xe3e3e3));
            g.drawLine(L, y, W - R, y);
            g.setColor(new Color(0x444444));
            String s = Chart.tickLabel(t, step);
            g.drawString(s, L - 6 - g.getFontMetrics().stringWidth(s), y + 4);
        }
        for (int e : c.xTicks()) {
            int x = (int) Math.round(SvgChart.x(e, e0, e1));
            g.setColor(new Color(0x999999));
            g.drawLine(x, H - B, x, H - B + 4);
            g.setColor(new Color(0x444444));
            centered(g, Integer.toString(e), x, H - B + 16);
        }
        g.setColor(new Color(0x999999));
        g.drawRect(L, T, W - L - R, H - T - B);
        g.setColor(new Color(0x444444));
        centered(g, "epoch", (L + W - R) / 2.0, H - B + 30);
        int[][] legend = SvgChart.legend(c);
        for (int n = 0; n < c.series().size(); n++) {
            Chart.Series s = c.series().get(n);
            int lx = legend[n][0], ly = H - 14 + SvgChart.LEGEND_ROW * legend[n][1];
            Color col = Color.decode(s.color());
            g.setColor(col);
            g.setStroke(new BasicStroke(2f));
            Path2D.Double p = new Path2D.Double();
            boolean pen = false;
            for (int k = 0; k < s.values().length; k++) {
                double v = s.values()[k];
                if (!Double.isFinite(v)) { pen = false; continue; }
                double x = SvgChart.x(c.epochs()[k], e0, e1), y = SvgChart.y(v, lo, hi);
                if (pen) p.lineTo(x, y); else p.moveTo(x, y);
                pen = true;
                g.fill(new java.awt.geom.Ellipse2D.Double(x - 3, y - 3, 6, 6));
            }
            g.draw(p);
            g.fillRect(lx, ly, 12, 4);
            g.setColor(new Color(0x444444));
            g.drawString(s.name(), lx + 16, ly + 5);
        }
    }

    private static void centered(Graphics2D g, String s, double x, double y) {
        g.drawString(s, (float) (x - g.getFontMetrics().stringWidth(s) / 2.0), (float) y);
    }
}
