// Small test photos with a known capture time: the browser draws and encodes a JPEG (Chromium's
// own encoder, so no image tool is needed), and an EXIF APP1 segment whose DateTimeOriginal is
// the time the test expects to see is spliced in after the JPEG's start marker.

/** The EXIF APP1 segment of a little-endian TIFF with IFD0 → Exif IFD → DateTimeOriginal. */
function exifSegment(dateTime) {
  const value = Buffer.from(`${dateTime}\0`, "ascii");
  const ifd0At = 8;
  const exifAt = ifd0At + 2 + 12 + 4;
  const dataAt = exifAt + 2 + 12 + 4;
  const tiff = Buffer.alloc(dataAt + value.length);
  tiff.write("II*\0", 0, "latin1");
  tiff.writeUInt32LE(ifd0At, 4);
  tiff.writeUInt16LE(1, ifd0At);
  tiff.writeUInt16LE(0x8769, ifd0At + 2); // ExifIFDPointer
  tiff.writeUInt16LE(4, ifd0At + 4); // LONG
  tiff.writeUInt32LE(1, ifd0At + 6);
  tiff.writeUInt32LE(exifAt, ifd0At + 10);
  tiff.writeUInt32LE(0, ifd0At + 14);
  tiff.writeUInt16LE(1, exifAt);
  tiff.writeUInt16LE(0x9003, exifAt + 2); // DateTimeOriginal
  tiff.writeUInt16LE(2, exifAt + 4); // ASCII
  tiff.writeUInt32LE(value.length, exifAt + 6);
  tiff.writeUInt32LE(dataAt, exifAt + 10);
  tiff.writeUInt32LE(0, exifAt + 14);
  value.copy(tiff, dataAt);
  const body = Buffer.concat([Buffer.from("Exif\0\0", "latin1"), tiff]);
  const header = Buffer.alloc(4);
  header.writeUInt16BE(0xffe1, 0);
  header.writeUInt16BE(body.length + 2, 2);
  return Buffer.concat([header, body]);
}

/** A JPEG of `width`×`height` drawn in `colour`, captured (per its EXIF) at `dateTime`
 * ("YYYY:MM:DD HH:MM:SS"). */
export async function photo(page, colour, dateTime, width = 160, height = 120) {
  const dataUrl = await page.evaluate(
    ([c, w, h]) => {
      const canvas = document.createElement("canvas");
      canvas.width = w;
      canvas.height = h;
      const g = canvas.getContext("2d");
      g.fillStyle = c;
      g.fillRect(0, 0, w, h);
      g.fillStyle = "#ffffff";
      g.fillRect(w / 4, h / 4, w / 2, h / 2);
      return canvas.toDataURL("image/jpeg", 0.9);
    },
    [colour, width, height],
  );
  const jpeg = Buffer.from(dataUrl.split(",")[1], "base64");
  if (jpeg[0] !== 0xff || jpeg[1] !== 0xd8) throw new Error("the browser did not make a JPEG");
  return Buffer.concat([jpeg.subarray(0, 2), exifSegment(dateTime), jpeg.subarray(2)]);
}
