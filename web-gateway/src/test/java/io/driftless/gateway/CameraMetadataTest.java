package io.driftless.gateway;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.fasterxml.jackson.databind.ObjectMapper;
import org.junit.jupiter.api.Test;

class CameraMetadataTest {

    private final ObjectMapper json = new ObjectMapper();

    @Test
    void readsJpegMetadataWithTheCaptureSettings() throws Exception {
        CameraMetadata m = CameraMetadata.parse(json, "{\"seq\":7,\"captureTimeUs\":1000,\"sendTimeUs\":1500,"
                + "\"width\":640,\"height\":480,\"kind\":\"jpeg\",\"fps\":24,\"jpegQuality\":0.7}");
        assertThat(m.seq()).isEqualTo(7);
        assertThat(m.captureTimeUs()).isEqualTo(1000);
        assertThat(m.sendTimeUs()).isEqualTo(1500);
        assertThat(m.kind()).isEqualTo(CameraMetadata.Kind.JPEG);
        assertThat(m.quality()).isEqualTo(new SessionStats.Quality(24, 0.7, 640, 480));
    }

    @Test
    void carriesTheImageModelAJpegFrameAsksFor() throws Exception {
        String jpeg = "{\"seq\":7,\"captureTimeUs\":1000,\"width\":640,\"height\":480,\"kind\":\"jpeg\"";
        assertThat(CameraMetadata.parse(json, jpeg + ",\"model\":\"yolo11n\"}").model()).isEqualTo("yolo11n");
        assertThat(CameraMetadata.parse(json, jpeg + "}").model()).as("none: the job's first").isNull();
        assertThat(CameraMetadata.parse(json, jpeg + ",\"model\":null}").model()).isNull();
    }

    @Test
    void readsLandmarksWithTheirSixKeypoints() throws Exception {
        CameraMetadata m = CameraMetadata.parse(json, "{\"seq\":1,\"captureTimeUs\":1000,\"width\":640,"
                + "\"height\":480,\"kind\":\"landmarks\",\"focalLengthPx\":554,"
                + "\"keypoints\":[[1,2],[3,4],[5,6],[7,8],[9,10],[11,12]]}");
        assertThat(m.kind()).isEqualTo(CameraMetadata.Kind.LANDMARKS);
        assertThat(m.keypoints()).containsExactly(1, 2, 3, 4, 5, 6, 7, 8, 9, 10, 11, 12);
        assertThat(m.focalLengthPx()).isEqualTo(554);
        assertThat(m.sendTimeUs()).as("send time defaults to capture time").isEqualTo(1000);
        assertThat(m.quality()).as("no capture settings reported").isNull();
    }

    @Test
    void saysWhatIsWrongWithMalformedMetadata() {
        assertMalformed("not json", "metadata is not JSON");
        assertMalformed("[1]", "metadata must be a JSON object");
        assertMalformed("{\"captureTimeUs\":1,\"width\":1,\"height\":1,\"kind\":\"jpeg\"}",
                "\"seq\" must be a positive integer");
        assertMalformed("{\"seq\":1,\"captureTimeUs\":-5,\"width\":1,\"height\":1,\"kind\":\"jpeg\"}",
                "\"captureTimeUs\" must be a positive integer");
        assertMalformed("{\"seq\":1,\"captureTimeUs\":1,\"width\":\"wide\",\"height\":1,\"kind\":\"jpeg\"}",
                "\"width\" must be a positive integer");
        assertMalformed("{\"seq\":1,\"captureTimeUs\":1,\"width\":1,\"height\":1,\"kind\":\"gif\"}",
                "\"kind\" must be \"jpeg\" or \"landmarks\"");
        assertMalformed("{\"seq\":1,\"captureTimeUs\":1,\"width\":1,\"height\":1,\"kind\":\"landmarks\","
                + "\"keypoints\":[[1,2]]}", "landmarks metadata needs \"keypoints\": six [x, y] pairs");
        assertMalformed("{\"seq\":1,\"captureTimeUs\":1,\"width\":1,\"height\":1,\"kind\":\"landmarks\","
                + "\"keypoints\":[[1,2],[3,4],[5,6],[7,8],[9,10],[\"a\",12]]}", "keypoint 5 must be [x, y]");
        assertMalformed("{\"seq\":1,\"captureTimeUs\":1,\"width\":1,\"height\":1,\"kind\":\"jpeg\",\"model\":7}",
                "\"model\" must be the name of an image model the job serves");
        assertMalformed("{\"seq\":1,\"captureTimeUs\":1,\"width\":1,\"height\":1,\"kind\":\"jpeg\",\"model\":\"\"}",
                "\"model\" must be the name of an image model the job serves");
        assertMalformed("{\"seq\":1,\"captureTimeUs\":1,\"width\":1,\"height\":1,\"kind\":\"landmarks\","
                + "\"keypoints\":[[1,2],[3,4],[5,6],[7,8],[9,10],[11,12]],\"model\":\"yolo11n\"}",
                "\"model\" names an image model; landmark frames go to the pose model");
    }

    private void assertMalformed(String text, String reason) {
        assertThatThrownBy(() -> CameraMetadata.parse(json, text)).isInstanceOf(CameraMetadata.MalformedException.class)
                .hasMessage(reason);
    }
}
